package dev.carlink.gateway.mqtt;

/**
 * A token bucket for one car's PUBLISHes: {@code perSecond} tokens a second, at most {@code burst} saved. Time is
 * given in nanoseconds by the caller, so tests need no clock.
 */
final class MessageRate {

    private final double perNano;
    private final double burst;
    private double tokens;
    private long lastNanos;

    MessageRate(int perSecond, int burst, long nowNanos) {
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.lastNanos = nowNanos;
    }

    /** Takes one token; false when the car is over its rate. */
    boolean tryAcquire(long nowNanos) {
        tokens = Math.min(burst, tokens + (nowNanos - lastNanos) * perNano);
        lastNanos = nowNanos;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }
}
