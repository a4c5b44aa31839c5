package dev.carlink.app;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.concurrent.TimeUnit;

/**
 * A clustered Vert.x: Vert.x's own Hazelcast settings (the maps its event bus needs), joined over TCP to the
 * configured members only (no multicast, no cloud discovery), bound to the configured host.
 */
final class Clustering {

    private Clustering() {}

    static Vertx start(ClusterConfig cluster) throws Exception {
        Config hazelcast = ConfigUtil.loadConfig();
        hazelcast.setClusterName(cluster.name());
        hazelcast.setProperty("hazelcast.logging.type", "slf4j");
        hazelcast.setProperty("hazelcast.phone.home.enabled", "false");
        // a member that left (killed, partitioned) is noticed within seconds, not the default minute
        hazelcast.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        hazelcast.setProperty("hazelcast.max.no.heartbeat.seconds", "10");
        // members split by a partition look for each other again every 10 s once it heals (default 5 min, then 2)
        hazelcast.setProperty("hazelcast.merge.first.run.delay.seconds", "10");
        hazelcast.setProperty("hazelcast.merge.next.run.delay.seconds", "10");
        NetworkConfig network = hazelcast.getNetworkConfig();
        network.setPort(cluster.port()).setPortAutoIncrement(false);
        network.setPublicAddress(
                cluster.advertise() != null ? cluster.advertise() : cluster.host() + ":" + cluster.port());
        network.getInterfaces().setEnabled(true).setInterfaces(java.util.List.of(cluster.host()));
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
        VertxOptions options = new VertxOptions();
        options.getEventBusOptions().setHost(cluster.host()).setPort(cluster.busPort());
        if (cluster.busAdvertise() != null) {
            int colon = cluster.busAdvertise().lastIndexOf(':');
            options.getEventBusOptions()
                    .setClusterPublicHost(cluster.busAdvertise().substring(0, colon))
                    .setClusterPublicPort(
                            Integer.parseInt(cluster.busAdvertise().substring(colon + 1)));
        }
        return Vertx.builder()
                .with(options)
                .withClusterManager(new HazelcastClusterManager(hazelcast))
                .buildClustered()
                .toCompletionStage()
                .toCompletableFuture()
                .get(60, TimeUnit.SECONDS);
    }
}
