package org.postern.cluster;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.spi.merge.PutIfAbsentMergePolicy;

/**
 * The checked settings of one member and the Hazelcast configuration made from them: static TCP/IP member
 * list (multicast and auto-detection off), bound to one address, no phone-home, fast failure detection and
 * merge, a replay map backed up on every other member with a majority split-brain protection.
 */
record ClusterSettings(String clusterName, String secret, String bindAddress, int port, List<String> members,
        String gateway, boolean closed, int confirmTimeoutMs, int heartbeatToleranceMs, int failureDetectionSeconds,
        int mergeDelaySeconds, int replayTtlSeconds, boolean shareStanzas, List<String> sharePids) {

    static final String REPLAY_MAP = "postern.replay";
    static final String GRANTS_MAP = "postern.grants";
    static final String SHARED_CONFIG_MAP = "postern.shared.config";
    static final String REVOKE_TOPIC = "postern.revoke";
    static final String MAJORITY = "postern.majority";

    static ClusterSettings from(ClusterConfig c) {
        String bind = c.bind_address().strip();
        if (bind.isEmpty() || bind.equals("0.0.0.0") || bind.equals("::") || bind.equals("*")) {
            throw new IllegalArgumentException("bind.address must name one local address (got '" + bind + "')");
        }
        if (c.port() < 1 || c.port() > 65535) {
            throw new IllegalArgumentException("port out of range: " + c.port());
        }
        Set<String> members = new LinkedHashSet<>();
        for (String m : c.members().split(",")) {
            String t = m.strip();
            if (!t.isEmpty()) {
                members.add(t.contains(":") ? t : t + ":" + c.port());
            }
        }
        members.add(bind + ":" + c.port());
        String policy = c.partition_policy().strip().toLowerCase(Locale.ROOT);
        if (!policy.equals("closed") && !policy.equals("open")) {
            throw new IllegalArgumentException("partition.policy must be closed or open (got '" + policy + "')");
        }
        List<String> pids = new ArrayList<>();
        for (String p : c.share_pids().split(",")) {
            if (!p.isBlank()) {
                pids.add(p.strip());
            }
        }
        boolean share = c.share_stanzas();
        if (share && c.cluster_secret().isEmpty()) {
            throw new IllegalArgumentException("share.stanzas needs cluster.secret: stanzas carry keys");
        }
        String gateway = c.gateway_name().isBlank() ? bind : c.gateway_name().strip();
        if (gateway.contains("/")) {
            throw new IllegalArgumentException("gateway.name must not contain '/'");
        }
        return new ClusterSettings(c.cluster_name().strip(), c.cluster_secret(), bind, c.port(), List.copyOf(members),
                gateway, policy.equals("closed"), Math.max(50, c.confirm_timeout_ms()),
                Math.max(1000, c.heartbeat_tolerance_ms()), Math.max(2, c.failure_detection_seconds()),
                Math.max(1, c.merge_delay_seconds()), Math.max(10, c.replay_ttl_seconds()), share, List.copyOf(pids));
    }

    /** A majority of the configured members (this one included). */
    int majority() {
        return members.size() / 2 + 1;
    }

    Config hazelcast() {
        Config c = new Config();
        c.setClusterName(clusterName);
        c.setInstanceName("postern-" + gateway);
        c.setProperty("hazelcast.phone.home.enabled", "false");
        c.setProperty("hazelcast.logging.type", "jdk");
        c.setProperty("hazelcast.shutdownhook.enabled", "false");
        c.setProperty("hazelcast.socket.bind.any", "false");
        c.setProperty("hazelcast.local.localAddress", bindAddress);
        c.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        c.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(failureDetectionSeconds));
        c.setProperty("hazelcast.merge.first.run.delay.seconds", Integer.toString(mergeDelaySeconds));
        c.setProperty("hazelcast.merge.next.run.delay.seconds", Integer.toString(mergeDelaySeconds));
        c.setProperty("hazelcast.wait.seconds.before.join", "1");
        c.setProperty("hazelcast.max.wait.seconds.before.join", "3");
        c.setProperty("hazelcast.graceful.shutdown.max.wait", "10");
        c.setProperty("hazelcast.partition.count", "31");
        c.setProperty("hazelcast.operation.call.timeout.millis", Integer.toString(Math.max(5000, confirmTimeoutMs * 2)));
        c.setProperty("hazelcast.integrity-checker.enabled", "false");
        c.getJetConfig().setEnabled(false);

        NetworkConfig n = c.getNetworkConfig();
        n.setPort(port).setPortAutoIncrement(false).setPortCount(1);
        n.setPublicAddress(bindAddress + ":" + port);
        n.getInterfaces().setEnabled(true).addInterface(bindAddress);
        n.getRestApiConfig().setEnabled(false);
        n.getMemcacheProtocolConfig().setEnabled(false);
        JoinConfig j = n.getJoin();
        j.getMulticastConfig().setEnabled(false);
        j.getAutoDetectionConfig().setEnabled(false);
        j.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(2).setMembers(new ArrayList<>(members));

        int backups = Math.min(6, Math.max(0, members.size() - 1));
        MapConfig replay = new MapConfig(REPLAY_MAP).setBackupCount(backups).setAsyncBackupCount(0)
                .setTimeToLiveSeconds(replayTtlSeconds);
        replay.getMergePolicyConfig().setPolicy(PutIfAbsentMergePolicy.class.getName());
        if (closed) {
            c.addSplitBrainProtectionConfig(SplitBrainProtectionConfig
                    .newRecentlyActiveSplitBrainProtectionConfigBuilder(MAJORITY, majority(), heartbeatToleranceMs)
                    .enabled(true).build());
            replay.setSplitBrainProtectionName(MAJORITY);
        }
        c.addMapConfig(replay);
        c.addMapConfig(new MapConfig(GRANTS_MAP).setBackupCount(Math.min(1, backups)));
        MapConfig shared = new MapConfig(SHARED_CONFIG_MAP).setBackupCount(backups);
        shared.getMergePolicyConfig().setPolicy(PutIfAbsentMergePolicy.class.getName());
        c.addMapConfig(shared);
        return c;
    }
}
