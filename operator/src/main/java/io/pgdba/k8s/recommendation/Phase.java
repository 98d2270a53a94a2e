package io.pgdba.k8s.recommendation;

/** Where an IndexRecommendation is in its life. */
public enum Phase {
  Proposed,
  Approved,
  Applying,
  Applied,
  Failed,
  RollingBack,
  RolledBack,
  Obsolete
}
