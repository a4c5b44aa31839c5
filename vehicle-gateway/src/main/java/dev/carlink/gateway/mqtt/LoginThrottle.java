package dev.carlink.gateway.mqtt;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Failed logins per source address: after {@code limit} failures within a minute the address is blocked for
 * {@code block}, and its CONNECTs are refused before any secret is checked, so guessing costs the guesser time and
 * the backend nothing. A success clears the address. Thread-safe (the CoAP edge calls it from Californium's
 * threads).
 */
public final class LoginThrottle {

    private static final long WINDOW_MS = 60_000;

    private final int limit;
    private final long blockMs;
    private final Clock clock;
    private final Map<String, Deque<Long>> failures = new HashMap<>();
    private final Map<String, Long> blockedUntil = new HashMap<>();

    public LoginThrottle(int limit, Duration block, Clock clock) {
        this.limit = limit;
        this.blockMs = block.toMillis();
        this.clock = clock;
    }

    /** Whether {@code address} is refused now. */
    public synchronized boolean blocked(String address) {
        Long until = blockedUntil.get(address);
        if (until == null) {
            return false;
        }
        if (clock.millis() >= until) {
            blockedUntil.remove(address);
            return false;
        }
        return true;
    }

    /** Records a failed login; returns true when this failure blocks the address. */
    public synchronized boolean failed(String address) {
        long now = clock.millis();
        Deque<Long> recent = failures.computeIfAbsent(address, a -> new ArrayDeque<>());
        recent.addLast(now);
        while (!recent.isEmpty() && recent.peekFirst() <= now - WINDOW_MS) {
            recent.removeFirst();
        }
        if (recent.size() >= limit) {
            failures.remove(address);
            blockedUntil.put(address, now + blockMs);
            return true;
        }
        return false;
    }

    public synchronized void succeeded(String address) {
        failures.remove(address);
    }

    /** Forgets stale entries; call now and then so a scan of many addresses does not grow memory. */
    public synchronized void sweep() {
        long now = clock.millis();
        blockedUntil.values().removeIf(until -> now >= until);
        for (Iterator<Deque<Long>> it = failures.values().iterator(); it.hasNext(); ) {
            Deque<Long> recent = it.next();
            if (recent.isEmpty() || recent.peekLast() <= now - WINDOW_MS) {
                it.remove();
            }
        }
    }

    /** The host part of {@code ip:port} (or of {@code /ip:port}): failures count per address, not per port. */
    public static String host(String remote) {
        String r = remote.startsWith("/") ? remote.substring(1) : remote;
        int colon = r.lastIndexOf(':');
        return colon > 0 ? r.substring(0, colon) : r;
    }
}
