package org.postern.firewall.cmdcycle;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of the command-cycle backend, PID {@value CommandCycleBackend#PID}. The server makes it (empty)
 * when fwknopd.conf says {@code FIREWALL_TYPE cmd-cycle}; the commands then come from each stanza's
 * {@code CMD_CYCLE_OPEN} / {@code CMD_CYCLE_CLOSE}. The two templates here serve stanzas without them.
 */
@ObjectClassDefinition(name = "Postern command-cycle firewall backend",
        description = "Opens and closes SPA grants by running commands (fwknop's CMD_CYCLE_OPEN / CMD_CYCLE_CLOSE) "
                + "instead of adding firewall rules")
@interface CommandCycleConfig {

    @AttributeDefinition(name = "Open command",
            description = "Command template for stanzas without CMD_CYCLE_OPEN, e.g. '/usr/sbin/iptables -I INPUT 1 "
                    + "-p $PROTO -s $SRC --dport $PORT -j ACCEPT'. Split on blanks into at most 30 words, each word's "
                    + "variables expanded, run without a shell. Empty: such stanzas cannot open anything.")
    String openCommand() default "";

    @AttributeDefinition(name = "Close command",
            description = "Command template for stanzas without CMD_CYCLE_CLOSE; empty or NONE for no close command.")
    String closeCommand() default "";

    @AttributeDefinition(name = "Command timeout (seconds)",
            description = "How long one command may run before it is killed and counted as failed (fwknopd: 5 s).",
            min = "1")
    int commandTimeoutSeconds() default 5;
}
