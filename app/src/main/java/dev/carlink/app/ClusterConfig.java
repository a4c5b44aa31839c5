package dev.carlink.app;

import java.util.ArrayList;
import java.util.List;

/**
 * Running several instances as one system: a clustered Vert.x event bus (Hazelcast, members found over TCP), so
 * that a command reaches the instance holding its car's connection. Validated at construction.
 *
 * @param enabled whether this instance joins a cluster (off: one process, a local event bus)
 * @param role what this instance runs: {@code ALL} (database, services, gateway) or {@code GATEWAY} (MQTT and
 *     CoAP edges only, no database; needs an {@code ALL} member in the cluster)
 * @param host the address this instance's cluster and event-bus traffic binds to and is reached on
 * @param port the Hazelcast member port (the event bus takes any free one on {@code host})
 * @param members {@code host:port} of the members to join (this one may be listed too)
 * @param name the cluster's name: instances of other clusters on the same network never join it
 * @param advertise {@code host:port} the other members reach this one's Hazelcast port on, when that is not
 *     {@code host:port} itself (behind NAT, a container's port mapping, a proxy); null: {@code host:port}
 * @param busPort the port the clustered event bus binds on {@code host}; 0 takes any free one
 * @param busAdvertise {@code host:port} the other members reach this one's event bus on; null: where it binds
 */
public record ClusterConfig(
        boolean enabled,
        Role role,
        String host,
        int port,
        List<String> members,
        String name,
        String advertise,
        int busPort,
        String busAdvertise) {

    /** What an instance runs. */
    public enum Role {
        ALL,
        GATEWAY
    }

    /** Hazelcast's customary member port. */
    public static final int DEFAULT_PORT = 5701;

    public ClusterConfig {
        List<String> problems = new ArrayList<>();
        if (role == null) {
            problems.add("role must be ALL or GATEWAY");
        } else if (role == Role.GATEWAY && !enabled) {
            problems.add("role GATEWAY needs the cluster enabled (the services run on another instance)");
        }
        if (host == null || host.isBlank()) {
            problems.add("host must not be blank");
        }
        if (port < 1 || port > 65_535) {
            problems.add("port must be between 1 and 65535, was " + port);
        }
        members = members == null ? List.of() : List.copyOf(members);
        for (String member : members) {
            if (!member.matches("[^:\\s]+(:\\d{1,5})?")) {
                problems.add("members must be host or host:port, was '" + member + "'");
            }
        }
        if (enabled && members.isEmpty()) {
            problems.add("members must list at least one member to join");
        }
        if (name == null || name.isBlank()) {
            problems.add("name must not be blank");
        }
        if (advertise != null && !advertise.matches("[^:\\s]+:\\d{1,5}")) {
            problems.add("advertise must be host:port, was '" + advertise + "'");
        }
        if (busPort < 0 || busPort > 65_535) {
            problems.add("bus port must be between 0 and 65535, was " + busPort);
        }
        if (busAdvertise != null && !busAdvertise.matches("[^:\\s]+:\\d{1,5}")) {
            problems.add("bus advertise must be host:port, was '" + busAdvertise + "'");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid cluster config: " + String.join("; ", problems));
        }
    }

    /** One process, no cluster. */
    public static ClusterConfig standalone() {
        return new ClusterConfig(false, Role.ALL, "127.0.0.1", DEFAULT_PORT, List.of(), "carlink", null, 0, null);
    }

    /** A member on {@code host:port} joining {@code members}, reached where it binds, its event bus on any port. */
    public static ClusterConfig member(Role role, String host, int port, List<String> members, String name) {
        return new ClusterConfig(true, role, host, port, members, name, null, 0, null);
    }

    /** The same member, reached by the others on other addresses than the ones it binds. */
    public ClusterConfig advertised(String advertise, int busPort, String busAdvertise) {
        return new ClusterConfig(enabled, role, host, port, members, name, advertise, busPort, busAdvertise);
    }
}
