package dev.carlink.proto;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Failed logins, counted per account and source address, and per source address. After {@code limit} failures for
 * one account (a car's VIN, a person's username) from one address within a minute, that account is refused from
 * that address for {@code block}; after {@value #ADDRESS_FACTOR} times as many failures from one address (for any
 * accounts), the whole address is. A refused login is answered before any secret is checked, so guessing costs
 * the guesser time and the backend nothing. Counting per account keeps the many honest cars (or people) behind one
 * carrier NAT address working while one of them is attacked; the address limit stops a scan over many accounts. A
 * success clears the account's count. Used by the MQTT and CoAP edges for cars and by the HTTP login. Thread-safe
 * (the CoAP edge calls it from Californium's threads).
 */
public final class LoginThrottle {

    /** How many more failures an address may have than one car from it. */
    public static final int ADDRESS_FACTOR = 20;

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

    /** Whether logins of {@code vin} from {@code address} are refused now. */
    public synchronized boolean blocked(String address, String vin) {
        return blocked(address) || blocked(key(address, vin));
    }

    /** Records a failed login; returns true when this failure blocks the car or the address. */
    public synchronized boolean failed(String address, String vin) {
        boolean car = count(key(address, vin), limit);
        boolean wholeAddress = count(address, limit * ADDRESS_FACTOR);
        return car || wholeAddress;
    }

    public synchronized void succeeded(String address, String vin) {
        failures.remove(key(address, vin));
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

    private boolean blocked(String key) {
        Long until = blockedUntil.get(key);
        if (until == null) {
            return false;
        }
        if (clock.millis() >= until) {
            blockedUntil.remove(key);
            return false;
        }
        return true;
    }

    private boolean count(String key, int max) {
        long now = clock.millis();
        Deque<Long> recent = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
        recent.addLast(now);
        while (!recent.isEmpty() && recent.peekFirst() <= now - WINDOW_MS) {
            recent.removeFirst();
        }
        if (recent.size() >= max) {
            failures.remove(key);
            blockedUntil.put(key, now + blockMs);
            return true;
        }
        return false;
    }

    private static String key(String address, String vin) {
        return address + "|" + vin;
    }

    /** The host part of {@code ip:port} (or of {@code /ip:port}): failures count per address, not per port. */
    public static String host(String remote) {
        String r = remote.startsWith("/") ? remote.substring(1) : remote;
        int colon = r.lastIndexOf(':');
        return colon > 0 ? r.substring(0, colon) : r;
    }
}
