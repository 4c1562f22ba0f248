package dev.fdbe.testing.apifixture;

import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;

/** API dump fixture: an annotation type. */
@Retention(RetentionPolicy.RUNTIME)
public @interface Tag {
  String value() default "";
}
