package dev.fdbe.server;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Slows down guessing keys: each client address may fail authentication {@code limit} times a
 * minute. The budget is a token bucket per address holding at most {@code limit} tokens and
 * refilled at {@code limit} per minute; each failed authentication takes one. While an address's
 * bucket is empty, every request of it that needs a key is refused with 429 and
 * {@code Retry-After} before its key is even looked at, so an address that exhausted its budget
 * learns nothing more about any key. Successful authentications take nothing.
 *
 * <p>Addresses are remembered for a minute after their last failure (a bucket left alone that long
 * is full again, the same as no bucket), and at most {@value #MAX_ADDRESSES} at once. Thread-safe.
 */
final class AuthThrottle {
  /** The default: 20 failed authentications per address and minute. */
  static final int DEFAULT_LIMIT_PER_MINUTE = 20;
  static final int MAX_ADDRESSES = 100_000;
  private static final long MINUTE_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final int limit;
  private final LongSupplier nanoTime;
  private final Cache<String, Bucket> buckets;

  /**
   * @param limitPerMinute failed authentications an address may make a minute; 0 turns throttling off
   * @param nanoTime the time source, {@link System#nanoTime} outside tests
   */
  AuthThrottle(int limitPerMinute, LongSupplier nanoTime) {
    if (limitPerMinute < 0) {
      throw new IllegalArgumentException("the limit of failed authentications must be >= 0, got " + limitPerMinute);
    }
    this.limit = limitPerMinute;
    this.nanoTime = nanoTime;
    this.buckets = Caffeine.newBuilder()
        .maximumSize(MAX_ADDRESSES)
        .expireAfterAccess(Duration.ofMinutes(1))
        .ticker(nanoTime::getAsLong)
        .build();
  }

  /**
   * How long the address must wait before it may try a key again, or empty when it may try now.
   */
  OptionalLong retryAfterSeconds(String address) {
    if (limit == 0) {
      return OptionalLong.empty();
    }
    Bucket bucket = buckets.getIfPresent(address);
    if (bucket == null) {
      return OptionalLong.empty();
    }
    long waitNanos = bucket.waitNanos(nanoTime.getAsLong());
    return waitNanos <= 0 ? OptionalLong.empty()
        : OptionalLong.of(Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L));
  }

  /** Counts a failed authentication of the address. */
  void failed(String address) {
    if (limit == 0) {
      return;
    }
    buckets.get(address, a -> new Bucket(limit, nanoTime.getAsLong())).take(nanoTime.getAsLong());
  }

  /**
   * Tokens of one address, kept as nanoseconds of credit (one token = {@code nanosPerToken}) so
   * that refilling is exact: start full, refill with elapsed time, one token per failure.
   */
  private static final class Bucket {
    private final long nanosPerToken;
    private final long capacityNanos;
    private long credit;
    private long refilledAt;

    Bucket(int capacity, long now) {
      this.nanosPerToken = MINUTE_NANOS / capacity;
      this.capacityNanos = nanosPerToken * capacity;
      this.credit = capacityNanos;
      this.refilledAt = now;
    }

    synchronized void take(long now) {
      refill(now);
      credit = Math.max(0, credit - nanosPerToken);
    }

    /** Nanoseconds until a whole token is there; 0 or less when one is. */
    synchronized long waitNanos(long now) {
      refill(now);
      return nanosPerToken - credit;
    }

    private void refill(long now) {
      long elapsed = now - refilledAt;
      if (elapsed > 0) {
        credit = Math.min(capacityNanos, credit + elapsed);
        refilledAt = now;
      }
    }
  }
}
