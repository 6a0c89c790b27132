package org.postern.server;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** PID {@code org.postern.server}: where the fwknop configuration lives. System properties set by bin/fwknopd win. */
@ObjectClassDefinition(name = "Postern server", description = "The SPA daemon: fwknop configuration files it reads")
@interface ServerConfig {

    @AttributeDefinition(name = "fwknopd.conf", description = "Path of fwknopd.conf (fwknop 2.6.10 syntax). "
            + "System property postern.fwknopd.conf (bin/fwknopd -c) overrides it. A missing file at the default "
            + "path means fwknop's defaults.")
    String fwknopdConf() default "/etc/fwknop/fwknopd.conf";

    @AttributeDefinition(name = "access.conf", description = "Path of access.conf; empty means fwknopd.conf's "
            + "ACCESS_FILE. System property postern.access.conf (bin/fwknopd -a) overrides it.")
    String accessConf() default "";

    @AttributeDefinition(name = "Apply fwknopd.conf to captures and firewall", description = "Create the capture "
            + "source and firewall backend configurations that fwknopd.conf describes (PCAP_INTF, ENABLE_UDP_SERVER, "
            + "IPT_INPUT_ACCESS, ...). Native configurations of the same PIDs in etc/ take precedence.")
    boolean applyFwknopdConf() default true;

    @AttributeDefinition(name = "Watch interval (ms)", description = "How often fwknopd.conf, access.conf and the "
            + "files it includes are checked for changes; a change is applied live (grants stay open). 0: never "
            + "(spa:reload, bin/fwknopd -R or a change of this configuration still reload)")
    long watchInterval() default 1000;
}
