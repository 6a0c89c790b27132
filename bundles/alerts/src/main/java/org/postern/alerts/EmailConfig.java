package org.postern.alerts;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** PID {@code org.postern.alerts.email}: alerts by e-mail over plain SMTP. Without this configuration it is off. */
@ObjectClassDefinition(name = "Postern e-mail alerts", description = "Mails the daemon's alerts through an SMTP "
        + "server, rate-limited per class so that a flood cannot become a mail bomb; fwknop 1.9's EMAIL_ADDRESSES")
@interface EmailConfig {

    @AttributeDefinition(name = "To", description = "Recipients, comma-separated (fwknop 1.9 EMAIL_ADDRESSES); each "
            + "must contain @")
    String to() default "root@localhost";

    @AttributeDefinition(name = "From", description = "Sender address")
    String from() default "fwknopd@localhost";

    @AttributeDefinition(name = "SMTP host", description = "SMTP server (plain SMTP, no TLS: a local relay)")
    String smtpHost() default "127.0.0.1";

    @AttributeDefinition(name = "SMTP port", description = "SMTP port")
    int smtpPort() default 25;

    @AttributeDefinition(name = "Host name", description = "Name in EHLO and the subject (fwknop 1.9 HOSTNAME); "
            + "empty: this machine's name")
    String hostname() default "";

    @AttributeDefinition(name = "Kinds", description = "Alert kinds mailed: ALL, or a comma list of REPLAY, REFUSAL, "
            + "GRANT_OPENED, GRANT_CLOSED, CONFIG_ERROR, FAULT")
    String kinds() default "ALL";

    @AttributeDefinition(name = "Burst", description = "Mails of one alert class sent at once before the rate applies")
    int burst() default 3;

    @AttributeDefinition(name = "Per minute", description = "Mails of one class per minute once the burst is spent; "
            + "the rest are counted and reported as 'N more suppressed' in the next mail or the summary")
    int perMinute() default 1;

    @AttributeDefinition(name = "Timeout (s)", description = "Connect and read timeout of one SMTP dialogue")
    int timeoutSeconds() default 10;
}
