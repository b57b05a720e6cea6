#include <string>
#include <vector>

#include "common/db/migrator.h"
#include "gtest/gtest.h"

namespace kam::common {
namespace {

using Statements = std::vector<std::string>;

struct SplitCase {
  std::string input;
  Statements expected;
};

// SQL text and the statements it splits into.
const SplitCase kSplits[] = {
    // Splits at semicolons and trims.
    {"CREATE TABLE a (x INT);\nCREATE TABLE b (y INT);\n",
     Statements{"CREATE TABLE a (x INT)", "CREATE TABLE b (y INT)"}},
    {"  SELECT 1 ;\t\r\n  SELECT 2  ", Statements{"SELECT 1", "SELECT 2"}},
    // Last statement needs no semicolon.
    {"SELECT 1", Statements{"SELECT 1"}},
    {"SELECT 1; SELECT 2", Statements{"SELECT 1", "SELECT 2"}},
    // Empty statements are dropped.
    {"", Statements{}},
    {" \n\t ", Statements{}},
    {";;; ;\n;", Statements{}},
    {";SELECT 1;;SELECT 2;;", Statements{"SELECT 1", "SELECT 2"}},
    // Inner layout is kept.
    {"\nCREATE TABLE t (\n  a INT,\n  b INT\n);\n",
     Statements{"CREATE TABLE t (\n  a INT,\n  b INT\n)"}},
    // Semicolons inside quotes do not split.
    {"INSERT INTO t VALUES ('a;b'); SELECT 2",
     Statements{"INSERT INTO t VALUES ('a;b')", "SELECT 2"}},
    {"SELECT \"a;b\"; SELECT 2", Statements{"SELECT \"a;b\"", "SELECT 2"}},
    {"CREATE TABLE `we;ird` (x INT); SELECT 2",
     Statements{"CREATE TABLE `we;ird` (x INT)", "SELECT 2"}},
    // Other quote kinds inside a quote.
    {"SELECT \"it's; fine\"; SELECT 'say \"hi;\"'; SELECT '`;`'",
     Statements{"SELECT \"it's; fine\"", "SELECT 'say \"hi;\"'", "SELECT '`;`'"}},
    // Doubled quotes stay inside.
    // An empty string literal right before the separator.
    {"SELECT 'it''s; ok'; SELECT 2", Statements{"SELECT 'it''s; ok'", "SELECT 2"}},
    {"SELECT \"a\"\";b\"; SELECT 2", Statements{"SELECT \"a\"\";b\"", "SELECT 2"}},
    {"SELECT `a``;b` FROM t; SELECT 2", Statements{"SELECT `a``;b` FROM t", "SELECT 2"}},
    {"SELECT ''; SELECT 2", Statements{"SELECT ''", "SELECT 2"}},
    // Backslash escapes in strings.
    // An escaped backslash ends right before the closing quote.
    {"SELECT 'it\\'s; ok'; SELECT 2", Statements{"SELECT 'it\\'s; ok'", "SELECT 2"}},
    {"SELECT \"a\\\";b\"; SELECT 2", Statements{"SELECT \"a\\\";b\"", "SELECT 2"}},
    {"SELECT 'a\\\\'; SELECT 2", Statements{"SELECT 'a\\\\'", "SELECT 2"}},
    // Backslash is not an escape in backticks.
    {"SELECT `a\\`; SELECT 2", Statements{"SELECT `a\\`", "SELECT 2"}},
    // Line comments are dropped.
    {"-- header; with a semicolon\nSELECT 1; -- trailing; too\n"
     "SELECT 2;",
     Statements{"SELECT 1", "SELECT 2"}},
    {"# hash comment; here\nSELECT 1;# another\nSELECT 2", Statements{"SELECT 1", "SELECT 2"}},
    {"SELECT 1 -- no newline at the end; SELECT 3", Statements{"SELECT 1"}},
    // Commented semicolon does not end the statement.
    {"SELECT 1 # c;\nFROM dual;", Statements{"SELECT 1 \nFROM dual"}},
    {"SELECT a, -- first; column\n  b FROM t;", Statements{"SELECT a, \n  b FROM t"}},
    // Block comments become a space.
    {"SELECT/*;*/1; SELECT 2", Statements{"SELECT 1", "SELECT 2"}},
    {"/* a\n multi-line; comment\n*/\nSELECT 1;/**/SELECT 2;", Statements{"SELECT 1", "SELECT 2"}},
    {"SELECT 1 /* * / ; */ + 2;", Statements{"SELECT 1   + 2"}},
    // Quotes inside comments do not open a string.
    {"-- don't\nSELECT 1; SELECT 2", Statements{"SELECT 1", "SELECT 2"}},
    {"# it's\nSELECT 1; SELECT 2", Statements{"SELECT 1", "SELECT 2"}},
    {"/* \"quoted; ` */ SELECT 1; SELECT 2", Statements{"SELECT 1", "SELECT 2"}},
    // Comment markers inside quotes are text.
    {"SELECT '--;#;/*'; SELECT 2", Statements{"SELECT '--;#;/*'", "SELECT 2"}},
    {"SELECT \"*/ -- ;\" FROM `#;`; SELECT 2",
     Statements{"SELECT \"*/ -- ;\" FROM `#;`", "SELECT 2"}},
    // Comment-only statements are dropped.
    {"-- nothing here\n; /* nor here */ ; # nor\n", Statements{}},
    // Unterminated quote runs to the end.
    {"SELECT 'a; SELECT 2", Statements{"SELECT 'a; SELECT 2"}},
    {"SELECT 1; SELECT 'a\\", Statements{"SELECT 1", "SELECT 'a\\"}},
    // Unterminated block comment runs to the end.
    {"SELECT 1; /* open; SELECT 2", Statements{"SELECT 1"}},
    {"SELECT 1 /*", Statements{"SELECT 1"}},
    // Double dash without space is not a comment.
    {"UPDATE t SET n = n--1; SELECT 2;", Statements{"UPDATE t SET n = n--1", "SELECT 2"}},
    // Executable comments are kept.
    {"/*!40101 SET NAMES utf8mb4 */; SELECT 1;",
     Statements{"/*!40101 SET NAMES utf8mb4 */", "SELECT 1"}},
};

TEST(SplitSqlStatementsTest, SplitsTextIntoStatements) {
  for (const SplitCase& c : kSplits) {
    SCOPED_TRACE(c.input);
    EXPECT_EQ(SplitSqlStatements(c.input), c.expected);
  }
}

TEST(SplitSqlStatementsTest, RealisticMigration) {
  const char* sql = R"sql(-- 0001_init.sql: accounts.
-- Every statement must be safe to run twice.

CREATE TABLE IF NOT EXISTS accounts (
  id BIGINT NOT NULL PRIMARY KEY,
  display_name VARCHAR(200) NOT NULL COMMENT 'shown to users; 1..200 chars',
  external_id VARCHAR(128) NULL, -- CRM/ERP id; unique among live rows
  UNIQUE KEY uk_external_id (external_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

/* Seed row; harmless on re-run. */
INSERT IGNORE INTO accounts (id, display_name) VALUES (1, 'O''Brien & Sons; Ltd.');
)sql";
  const Statements got = SplitSqlStatements(sql);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0],
            "CREATE TABLE IF NOT EXISTS accounts (\n"
            "  id BIGINT NOT NULL PRIMARY KEY,\n"
            "  display_name VARCHAR(200) NOT NULL COMMENT 'shown to users; 1..200 chars',\n"
            "  external_id VARCHAR(128) NULL, \n"
            "  UNIQUE KEY uk_external_id (external_id)\n"
            ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
  EXPECT_EQ(got[1],
            "INSERT IGNORE INTO accounts (id, display_name) VALUES (1, 'O''Brien & Sons; Ltd.')");
}

// MySQL and MariaDB start a "--" comment only when the second dash is
// followed by white space or a control character; "5--2" is 5 - (-2).

// "/*! ... */" (MySQL) and "/*M! ... */" (MariaDB) are executable comments
// whose content the server runs: they are kept, not dropped as comments.

TEST(MigrationChecksumTest, CommentsAndLayoutDoNotCountStatementsDo) {
  const std::string checksum = MigrationChecksum(
      "-- The accounts.\nCREATE TABLE a (\n  id BIGINT NOT NULL,\n  name TEXT\n);\n");
  EXPECT_EQ(checksum.size(), 16u);
  EXPECT_EQ(MigrationChecksum("/* the accounts */ CREATE TABLE a (id BIGINT NOT NULL,\n"
                              "                                name TEXT);"),
            checksum);
  EXPECT_EQ(MigrationChecksum("CREATE TABLE a (id BIGINT NOT NULL, name TEXT)"), checksum);
  EXPECT_NE(MigrationChecksum("CREATE TABLE a (id BIGINT NOT NULL, name VARCHAR(10))"), checksum);
  EXPECT_NE(MigrationChecksum("CREATE TABLE a (id BIGINT NOT NULL); CREATE TABLE b (x INT)"),
            MigrationChecksum("CREATE TABLE a (id BIGINT NOT NULL)"));
  // Words stay apart, and quoted text keeps its spaces.
  EXPECT_NE(MigrationChecksum("SELECT a b"), MigrationChecksum("SELECT ab"));
  EXPECT_NE(MigrationChecksum("INSERT INTO t VALUES ('a  b')"),
            MigrationChecksum("INSERT INTO t VALUES ('a b')"));
  EXPECT_EQ(MigrationChecksum("INSERT INTO t VALUES ( 'it''s' , 2 )"),
            MigrationChecksum("INSERT INTO t VALUES ('it''s', 2)"));
}

TEST(PreviousChecksumsTest, ReadsMarkedLinesOnly) {
  EXPECT_EQ(PreviousChecksums("-- previous checksum: 0123456789abcdef\n"
                              "CREATE TABLE a (id INT);\n"
                              "  -- previous checksum: fedcba9876543210  \n"
                              "-- previous checksum: 0123\n"              // too short
                              "-- previous checksum: 0123456789ABCDEF\n"  // not lower case
                              "-- the previous checksum: 1111111111111111\n"),
            (Statements{"0123456789abcdef", "fedcba9876543210"}));
  EXPECT_TRUE(PreviousChecksums("CREATE TABLE a (id INT)").empty());
}

}  // namespace
}  // namespace kam::common
