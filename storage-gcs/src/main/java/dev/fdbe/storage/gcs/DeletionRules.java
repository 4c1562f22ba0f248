package dev.fdbe.storage.gcs;

import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.BucketInfo;
import com.google.cloud.storage.BucketInfo.LifecycleRule;
import com.google.cloud.storage.BucketInfo.LifecycleRule.DeleteLifecycleAction;
import com.google.cloud.storage.BucketInfo.LifecycleRule.LifecycleCondition;
import com.google.cloud.storage.StorageClass;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/*
 * When Cloud Storage itself deletes a new object: the bucket's lifecycle Delete rules whose only
 * condition that matters is an age, so that the deletion time follows from the object alone
 * (createTime + age days). A rule counts when, besides `age`, it has no condition or only ones a
 * freshly written live object can be checked against now: `isLive` true, `matchesPrefix`,
 * `matchesSuffix`, `matchesStorageClass`. Rules with any other condition (createdBefore, custom
 * time, noncurrent versions) are left out: they delete later or never for our objects, and the
 * engine's own retention then applies, which is the safe side.
 *
 * Retention does not delete anything; it only forbids deleting earlier. So an object under a
 * bucket retention policy or an object retention lock is deleted by an age rule no earlier than
 * its retention ends, and an object under a hold is not deleted by the lifecycle at all. Without
 * a counting rule the store reports no deletion time, and the file download expires after the
 * engine's retention.
 */
final class DeletionRules {
  static final DeletionRules NONE = new DeletionRules(List.of());

  private final List<LifecycleCondition> ageConditions;

  private DeletionRules(List<LifecycleCondition> ageConditions) {
    this.ageConditions = List.copyOf(ageConditions);
  }

  /** The rules of the bucket that can delete a new live object by age; none for a null bucket. */
  static DeletionRules of(@Nullable BucketInfo bucket) {
    if (bucket == null || bucket.getLifecycleRules() == null) {
      return NONE;
    }
    List<LifecycleCondition> counted = new ArrayList<>();
    for (LifecycleRule rule : bucket.getLifecycleRules()) {
      LifecycleCondition condition = rule.getCondition();
      if (rule.getAction() != null && DeleteLifecycleAction.TYPE.equals(rule.getAction().getActionType())
          && condition != null && condition.getAge() != null && condition.getAge() >= 0
          && onlyCheckableConditions(condition)) {
        counted.add(condition);
      }
    }
    return counted.isEmpty() ? NONE : new DeletionRules(counted);
  }

  private static boolean onlyCheckableConditions(LifecycleCondition c) {
    return (c.getIsLive() == null || c.getIsLive())
        && c.getCreatedBeforeOffsetDateTime() == null
        && c.getNumberOfNewerVersions() == null
        && c.getDaysSinceNoncurrentTime() == null
        && c.getNoncurrentTimeBeforeOffsetDateTime() == null
        && c.getCustomTimeBeforeOffsetDateTime() == null
        && c.getDaysSinceCustomTime() == null;
  }

  /** Whether no rule can delete an object, so that every deletion time is null. */
  boolean isEmpty() {
    return ageConditions.isEmpty();
  }

  /**
   * When Cloud Storage will delete the object, at the earliest; null when no counted rule matches
   * it, it is under a hold, or its creation time is unknown.
   */
  @Nullable Instant deletionTime(BlobInfo object) {
    OffsetDateTime created = object.getCreateTimeOffsetDateTime();
    boolean held = Boolean.TRUE.equals(object.getTemporaryHold()) || Boolean.TRUE.equals(object.getEventBasedHold());
    return deletionTime(object.getName(), object.getStorageClass(), created == null ? null : created.toInstant(),
        retainedUntil(object), held);
  }

  /** {@link #deletionTime(BlobInfo)} from the object's properties that matter. */
  @Nullable Instant deletionTime(String name, @Nullable StorageClass storageClass, @Nullable Instant created,
      @Nullable Instant retainedUntil, boolean held) {
    if (ageConditions.isEmpty() || created == null || held) {
      return null;
    }
    Instant earliest = null;
    for (LifecycleCondition condition : ageConditions) {
      if (matches(condition, name, storageClass)) {
        Instant at = created.plus(Duration.ofDays(condition.getAge()));
        if (earliest == null || at.isBefore(earliest)) {
          earliest = at;
        }
      }
    }
    if (earliest == null) {
      return null;
    }
    return retainedUntil != null && retainedUntil.isAfter(earliest) ? retainedUntil : earliest;
  }

  private static boolean matches(LifecycleCondition condition, String name, @Nullable StorageClass storageClass) {
    List<String> prefixes = condition.getMatchesPrefix();
    if (prefixes != null && !prefixes.isEmpty() && prefixes.stream().noneMatch(name::startsWith)) {
      return false;
    }
    List<String> suffixes = condition.getMatchesSuffix();
    if (suffixes != null && !suffixes.isEmpty() && suffixes.stream().noneMatch(name::endsWith)) {
      return false;
    }
    List<StorageClass> classes = condition.getMatchesStorageClass();
    return classes == null || classes.isEmpty() || (storageClass != null && classes.contains(storageClass));
  }

  /** The later of the bucket retention's and the object retention lock's end, or null for neither. */
  private static @Nullable Instant retainedUntil(BlobInfo object) {
    Instant until = object.getRetentionExpirationTimeOffsetDateTime() == null
        ? null : object.getRetentionExpirationTimeOffsetDateTime().toInstant();
    if (object.getRetention() != null && object.getRetention().getRetainUntilTime() != null) {
      Instant locked = object.getRetention().getRetainUntilTime().toInstant();
      if (until == null || locked.isAfter(until)) {
        until = locked;
      }
    }
    return until;
  }
}
