package org.postern.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The daemon's counters since it started; provided by the server (also as the JMX MBean
 * {@code org.postern:type=Daemon,name=metrics}), used by {@code spa:status}. Threading: thread-safe, cheap.
 * @since 1.3
 */
@ProviderType
public interface DaemonMetrics {

    MetricsSnapshot metrics();
}
