package io.pgdba.apply;

import java.util.regex.Pattern;

/** The applier's statement check, for tests of other packages that build advised DDL. */
public final class IndexApplierAccess {

  private IndexApplierAccess() {}

  public static String checked(String ddl, Pattern kind) {
    return IndexApplier.checkedStatement(ddl, kind, "CREATE INDEX CONCURRENTLY");
  }
}
