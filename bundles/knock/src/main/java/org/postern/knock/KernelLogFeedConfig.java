package org.postern.knock;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Postern knock feed: kernel log",
        description = "Follows a syslog file with iptables LOG lines (fwknop 1.9 IPT_SYSLOG_FILE) and hands each "
                + "logged packet to the knock sink.")
@interface KernelLogFeedConfig {

    @AttributeDefinition(name = "File", description = "The log file to follow (IPT_SYSLOG_FILE).")
    String file() default "/var/log/kern.log";

    @AttributeDefinition(name = "From start",
            description = "Read the file from its start; false seeks to its end first, as fwknopd does.")
    boolean fromStart() default false;

    @AttributeDefinition(name = "Poll interval (ms)",
            description = "How often new lines are read (fwknop.conf SLEEP_INTERVAL, 2 s in 1.9); 10..60000.")
    long pollMillis() default 500;
}
