package org.postern.cluster;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * PID {@code org.postern.cluster}. The keys are dotted (an underscore in a method name becomes a dot, notes
 * pitfall 7): {@code members}, {@code bind.address}, {@code partition.policy}, {@code share.stanzas}, ...
 */
@ObjectClassDefinition(name = "Postern cluster",
        description = "Several gateways as one: shared replay cache, grants and (optionally) stanzas, on embedded Hazelcast")
@interface ClusterConfig {

    @AttributeDefinition(name = "Cluster name", description = "Only members with the same name join each other")
    String cluster_name() default "postern";

    @AttributeDefinition(name = "Cluster secret", description = "Seals what the cluster shares beyond digests and "
            + "grant listings (shared stanzas with their keys, revoke requests) with AES-256-GCM; required by "
            + "share.stanzas. The same on every member. Hazelcast's own member traffic is NOT encrypted (open-source edition)",
            type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD)
    String cluster_secret() default "";

    @AttributeDefinition(name = "Bind address", description = "The one local address cluster traffic uses (never "
            + "0.0.0.0); required")
    String bind_address() default "";

    @AttributeDefinition(name = "Port", description = "TCP port of the cluster traffic on the bind address")
    int port() default 5701;

    @AttributeDefinition(name = "Members", description = "Every gateway of the cluster, this one included, "
            + "comma-separated address[:port] (static discovery; no multicast)")
    String members() default "";

    @AttributeDefinition(name = "Gateway name", description = "This gateway's name in spa:grants --cluster; "
            + "default: the bind address")
    String gateway_name() default "";

    @AttributeDefinition(name = "Partition policy", description = "closed: refuse SPA while the cluster cannot "
            + "confirm a digest is new (a majority of the members is unreachable, or no answer in time); open: "
            + "fall back to the local replay cache", options = {@Option(label = "closed", value = "closed"),
                    @Option(label = "open", value = "open")})
    String partition_policy() default "closed";

    @AttributeDefinition(name = "Confirmation timeout (ms)", description = "How long one cluster-wide digest "
            + "insert may take before the partition policy decides")
    int confirm_timeout_ms() default 2000;

    @AttributeDefinition(name = "Heartbeat tolerance (ms)", description = "A member counts towards the majority "
            + "only if heard from within this time")
    int heartbeat_tolerance_ms() default 5000;

    @AttributeDefinition(name = "Failure detection (s)", description = "Seconds without a heartbeat before a "
            + "member is dropped from the cluster")
    int failure_detection_seconds() default 10;

    @AttributeDefinition(name = "Merge delay (s)", description = "Seconds between checks for a split cluster to "
            + "merge back after a partition heals")
    int merge_delay_seconds() default 10;

    @AttributeDefinition(name = "Replay TTL (s)", description = "How long a digest stays in the shared cache; "
            + "keep it above MAX_SPA_PACKET_AGE (the local digest file keeps them for ever)")
    int replay_ttl_seconds() default 600;

    @AttributeDefinition(name = "Share stanzas", description = "Share the factory configurations named by "
            + "share.pids (native access stanzas, with their keys) with every member; needs cluster.secret")
    boolean share_stanzas() default false;

    @AttributeDefinition(name = "Shared factory PIDs", description = "Comma-separated ConfigAdmin factory PIDs "
            + "shared when share.stanzas is true; capture and firewall PIDs are never shared")
    String share_pids() default "org.postern.stanza";
}
