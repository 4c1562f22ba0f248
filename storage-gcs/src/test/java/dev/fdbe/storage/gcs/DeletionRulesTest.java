package dev.fdbe.storage.gcs;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.storage.BucketInfo;
import com.google.cloud.storage.BucketInfo.LifecycleRule;
import com.google.cloud.storage.BucketInfo.LifecycleRule.LifecycleAction;
import com.google.cloud.storage.BucketInfo.LifecycleRule.LifecycleCondition;
import com.google.cloud.storage.StorageClass;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class DeletionRulesTest {
  private static final Instant CREATED = Instant.parse("2026-11-20T10:00:00Z");

  private static LifecycleRule delete(LifecycleCondition.Builder condition) {
    return new LifecycleRule(LifecycleAction.newDeleteAction(), condition.build());
  }

  private static DeletionRules rules(LifecycleRule... rules) {
    return DeletionRules.of(BucketInfo.newBuilder("b").setLifecycleRules(List.of(rules)).build());
  }

  private static @Nullable Instant deletion(DeletionRules rules, String name) {
    return rules.deletionTime(name, StorageClass.STANDARD, CREATED, null, false);
  }

  @Test
  void anAgeRuleDeletesAtCreationPlusTheAgeInDays() {
    DeletionRules rules = rules(delete(LifecycleCondition.newBuilder().setAge(7)));

    assertThat(deletion(rules, "a/b.csv")).isEqualTo(CREATED.plus(Duration.ofDays(7)));
  }

  @Test
  void theEarliestMatchingRuleWinsAndPrefixSuffixAndStorageClassAreChecked() {
    DeletionRules rules = rules(
        delete(LifecycleCondition.newBuilder().setAge(30)),
        delete(LifecycleCondition.newBuilder().setAge(2).setMatchesPrefix(List.of("fdbe/"))),
        delete(LifecycleCondition.newBuilder().setAge(1).setMatchesSuffix(List.of(".tmp"))),
        delete(LifecycleCondition.newBuilder().setAge(0).setMatchesStorageClass(List.of(StorageClass.ARCHIVE))),
        delete(LifecycleCondition.newBuilder().setAge(3).setIsLive(true)));

    assertThat(deletion(rules, "fdbe/1/a.csv")).isEqualTo(CREATED.plus(Duration.ofDays(2)));
    assertThat(deletion(rules, "other/a.csv")).isEqualTo(CREATED.plus(Duration.ofDays(3)));
    assertThat(deletion(rules, "other/a.tmp")).isEqualTo(CREATED.plus(Duration.ofDays(1)));
    assertThat(rules.deletionTime("other/a.csv", StorageClass.ARCHIVE, CREATED, null, false)).isEqualTo(CREATED);
  }

  @Test
  void rulesThatDoNotDeleteANewLiveObjectByAgeAloneDoNotCount() {
    DeletionRules rules = rules(
        new LifecycleRule(LifecycleAction.newSetStorageClassAction(StorageClass.COLDLINE),
            LifecycleCondition.newBuilder().setAge(1).build()),
        delete(LifecycleCondition.newBuilder().setAge(1).setIsLive(false)),
        delete(LifecycleCondition.newBuilder().setAge(1).setNumberOfNewerVersions(2)),
        delete(LifecycleCondition.newBuilder().setAge(1).setDaysSinceCustomTime(1)),
        delete(LifecycleCondition.newBuilder().setAge(1)
            .setCreatedBeforeOffsetDateTime(OffsetDateTime.parse("2020-01-01T00:00:00Z"))),
        delete(LifecycleCondition.newBuilder().setNumberOfNewerVersions(1)));

    assertThat(rules.isEmpty()).isTrue();
    assertThat(deletion(rules, "a.csv")).isNull();
    assertThat(deletion(DeletionRules.of(null), "a.csv")).isNull();
    assertThat(deletion(DeletionRules.of(BucketInfo.of("b")), "a.csv")).isNull();
  }

  @Test
  void retentionDelaysDeletionAndAHoldPreventsIt() {
    DeletionRules rules = rules(delete(LifecycleCondition.newBuilder().setAge(1)));
    Instant retained = CREATED.plus(Duration.ofDays(10));

    assertThat(rules.deletionTime("a.csv", null, CREATED, retained, false)).isEqualTo(retained);
    assertThat(rules.deletionTime("a.csv", null, CREATED, CREATED.plusSeconds(3600), false))
        .isEqualTo(CREATED.plus(Duration.ofDays(1)));
    assertThat(rules.deletionTime("a.csv", null, CREATED, null, true)).isNull();
    assertThat(rules.deletionTime("a.csv", null, null, null, false)).as("no creation time").isNull();
  }

  @Test
  void withoutARuleRetentionAloneDeletesNothing() {
    assertThat(DeletionRules.NONE.deletionTime("a.csv", null, CREATED, CREATED.plus(Duration.ofDays(3)), false))
        .isNull();
  }
}
