package org.postern.alerts;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** PID {@code org.postern.alerts.syslog}: alerts to syslog. Without this configuration the sink is off. */
@ObjectClassDefinition(name = "Postern syslog alerts", description = "Sends the daemon's alerts (replays, refusals, "
        + "grants, refused reloads, faults) to syslog, rate-limited per class; fwknop 1.9's ALERTING_METHODS syslog")
@interface SyslogConfig {

    @AttributeDefinition(name = "Local socket", description = "The local syslog datagram socket (used when host is "
            + "empty)")
    String socket() default "/dev/log";

    @AttributeDefinition(name = "Host", description = "A syslog server to send to over UDP instead of the local "
            + "socket; empty: the local socket")
    String host() default "";

    @AttributeDefinition(name = "Port", description = "UDP port of that syslog server")
    int port() default 514;

    @AttributeDefinition(name = "Format", description = "rfc3164 (what /dev/log readers expect) or rfc5424")
    String format() default "rfc3164";

    @AttributeDefinition(name = "Facility", description = "Syslog facility: daemon, auth, local0..local7, ... "
            + "(fwknop's LOG_DAEMON spelling too); fwknopd.conf SYSLOG_FACILITY")
    String facility() default "daemon";

    @AttributeDefinition(name = "Identity", description = "The tag (app name); fwknopd.conf SYSLOG_IDENTITY")
    String identity() default "fwknopd";

    @AttributeDefinition(name = "Kinds", description = "Alert kinds sent: ALL, or a comma list of REPLAY, REFUSAL, "
            + "GRANT_OPENED, GRANT_CLOSED, CONFIG_ERROR, FAULT")
    String kinds() default "ALL";

    @AttributeDefinition(name = "Burst", description = "Alerts of one class sent at once before the rate applies")
    int burst() default 20;

    @AttributeDefinition(name = "Per minute", description = "Alerts of one class sent per minute once the burst is "
            + "spent; the rest are counted and reported as 'N more suppressed'")
    int perMinute() default 60;
}
