/**
 * Fixture classes for {@code ApiDumpFixturesTest}: a small API with generics, sealed types,
 * nested types, a package-private base class and members of every visibility. Not used elsewhere.
 */
@NullMarked
package dev.fdbe.testing.apifixture;

import org.jspecify.annotations.NullMarked;
