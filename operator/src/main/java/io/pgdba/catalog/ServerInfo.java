package io.pgdba.catalog;

import java.util.List;

/**
 * @param versionNum {@code server_version_num}, e.g. 170005
 * @param searchPath the effective search_path of the analysis session, schemas in order
 */
public record ServerInfo(
    int versionNum, String version, String database, String user, List<String> searchPath) {

  public int majorVersion() {
    return versionNum / 10000;
  }
}
