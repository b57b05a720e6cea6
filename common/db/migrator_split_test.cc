#include <string>
#include <vector>

#include "common/db/migrator.h"
#include "gtest/gtest.h"

namespace kam::common {
namespace {

using Statements = std::vector<std::string>;

TEST(SplitSqlStatementsTest, SplitsAtSemicolonsAndTrims) {
  EXPECT_EQ(SplitSqlStatements("CREATE TABLE a (x INT);\nCREATE TABLE b (y INT);\n"),
            (Statements{"CREATE TABLE a (x INT)", "CREATE TABLE b (y INT)"}));
  EXPECT_EQ(SplitSqlStatements("  SELECT 1 ;\t\r\n  SELECT 2  "),
            (Statements{"SELECT 1", "SELECT 2"}));
}

TEST(SplitSqlStatementsTest, LastStatementNeedsNoSemicolon) {
  EXPECT_EQ(SplitSqlStatements("SELECT 1"), (Statements{"SELECT 1"}));
  EXPECT_EQ(SplitSqlStatements("SELECT 1; SELECT 2"), (Statements{"SELECT 1", "SELECT 2"}));
}

TEST(SplitSqlStatementsTest, EmptyStatementsAreDropped) {
  EXPECT_EQ(SplitSqlStatements(""), Statements{});
  EXPECT_EQ(SplitSqlStatements(" \n\t "), Statements{});
  EXPECT_EQ(SplitSqlStatements(";;; ;\n;"), Statements{});
  EXPECT_EQ(SplitSqlStatements(";SELECT 1;;SELECT 2;;"), (Statements{"SELECT 1", "SELECT 2"}));
}

TEST(SplitSqlStatementsTest, InnerLayoutIsKept) {
  EXPECT_EQ(SplitSqlStatements("\nCREATE TABLE t (\n  a INT,\n  b INT\n);\n"),
            (Statements{"CREATE TABLE t (\n  a INT,\n  b INT\n)"}));
}

TEST(SplitSqlStatementsTest, SemicolonsInsideQuotesDoNotSplit) {
  EXPECT_EQ(SplitSqlStatements("INSERT INTO t VALUES ('a;b'); SELECT 2"),
            (Statements{"INSERT INTO t VALUES ('a;b')", "SELECT 2"}));
  EXPECT_EQ(SplitSqlStatements("SELECT \"a;b\"; SELECT 2"),
            (Statements{"SELECT \"a;b\"", "SELECT 2"}));
  EXPECT_EQ(SplitSqlStatements("CREATE TABLE `we;ird` (x INT); SELECT 2"),
            (Statements{"CREATE TABLE `we;ird` (x INT)", "SELECT 2"}));
}

TEST(SplitSqlStatementsTest, OtherQuoteKindsInsideAQuote) {
  EXPECT_EQ(SplitSqlStatements("SELECT \"it's; fine\"; SELECT 'say \"hi;\"'; SELECT '`;`'"),
            (Statements{"SELECT \"it's; fine\"", "SELECT 'say \"hi;\"'", "SELECT '`;`'"}));
}

TEST(SplitSqlStatementsTest, DoubledQuotesStayInside) {
  EXPECT_EQ(SplitSqlStatements("SELECT 'it''s; ok'; SELECT 2"),
            (Statements{"SELECT 'it''s; ok'", "SELECT 2"}));
  EXPECT_EQ(SplitSqlStatements("SELECT \"a\"\";b\"; SELECT 2"),
            (Statements{"SELECT \"a\"\";b\"", "SELECT 2"}));
  EXPECT_EQ(SplitSqlStatements("SELECT `a``;b` FROM t; SELECT 2"),
            (Statements{"SELECT `a``;b` FROM t", "SELECT 2"}));
  // An empty string literal right before the separator.
  EXPECT_EQ(SplitSqlStatements("SELECT ''; SELECT 2"), (Statements{"SELECT ''", "SELECT 2"}));
}

TEST(SplitSqlStatementsTest, BackslashEscapesInStrings) {
  EXPECT_EQ(SplitSqlStatements("SELECT 'it\\'s; ok'; SELECT 2"),
            (Statements{"SELECT 'it\\'s; ok'", "SELECT 2"}));
  EXPECT_EQ(SplitSqlStatements("SELECT \"a\\\";b\"; SELECT 2"),
            (Statements{"SELECT \"a\\\";b\"", "SELECT 2"}));
  // An escaped backslash ends right before the closing quote.
  EXPECT_EQ(SplitSqlStatements("SELECT 'a\\\\'; SELECT 2"),
            (Statements{"SELECT 'a\\\\'", "SELECT 2"}));
}

TEST(SplitSqlStatementsTest, BackslashIsNotAnEscapeInBackticks) {
  EXPECT_EQ(SplitSqlStatements("SELECT `a\\`; SELECT 2"), (Statements{"SELECT `a\\`", "SELECT 2"}));
}

TEST(SplitSqlStatementsTest, LineCommentsAreDropped) {
  EXPECT_EQ(SplitSqlStatements("-- header; with a semicolon\nSELECT 1; -- trailing; too\n"
                               "SELECT 2;"),
            (Statements{"SELECT 1", "SELECT 2"}));
  EXPECT_EQ(SplitSqlStatements("# hash comment; here\nSELECT 1;# another\nSELECT 2"),
            (Statements{"SELECT 1", "SELECT 2"}));
  EXPECT_EQ(SplitSqlStatements("SELECT 1 -- no newline at the end; SELECT 3"),
            (Statements{"SELECT 1"}));
}

TEST(SplitSqlStatementsTest, CommentedSemicolonDoesNotEndTheStatement) {
  EXPECT_EQ(SplitSqlStatements("SELECT 1 # c;\nFROM dual;"), (Statements{"SELECT 1 \nFROM dual"}));
  EXPECT_EQ(SplitSqlStatements("SELECT a, -- first; column\n  b FROM t;"),
            (Statements{"SELECT a, \n  b FROM t"}));
}

TEST(SplitSqlStatementsTest, BlockCommentsBecomeASpace) {
  EXPECT_EQ(SplitSqlStatements("SELECT/*;*/1; SELECT 2"), (Statements{"SELECT 1", "SELECT 2"}));
  EXPECT_EQ(SplitSqlStatements("/* a\n multi-line; comment\n*/\nSELECT 1;/**/SELECT 2;"),
            (Statements{"SELECT 1", "SELECT 2"}));
  EXPECT_EQ(SplitSqlStatements("SELECT 1 /* * / ; */ + 2;"), (Statements{"SELECT 1   + 2"}));
}

TEST(SplitSqlStatementsTest, QuotesInsideCommentsDoNotOpenAString) {
  EXPECT_EQ(SplitSqlStatements("-- don't\nSELECT 1; SELECT 2"),
            (Statements{"SELECT 1", "SELECT 2"}));
  EXPECT_EQ(SplitSqlStatements("# it's\nSELECT 1; SELECT 2"), (Statements{"SELECT 1", "SELECT 2"}));
  EXPECT_EQ(SplitSqlStatements("/* \"quoted; ` */ SELECT 1; SELECT 2"),
            (Statements{"SELECT 1", "SELECT 2"}));
}

TEST(SplitSqlStatementsTest, CommentMarkersInsideQuotesAreText) {
  EXPECT_EQ(SplitSqlStatements("SELECT '--;#;/*'; SELECT 2"),
            (Statements{"SELECT '--;#;/*'", "SELECT 2"}));
  EXPECT_EQ(SplitSqlStatements("SELECT \"*/ -- ;\" FROM `#;`; SELECT 2"),
            (Statements{"SELECT \"*/ -- ;\" FROM `#;`", "SELECT 2"}));
}

TEST(SplitSqlStatementsTest, CommentOnlyStatementsAreDropped) {
  EXPECT_EQ(SplitSqlStatements("-- nothing here\n; /* nor here */ ; # nor\n"), Statements{});
}

TEST(SplitSqlStatementsTest, UnterminatedQuoteRunsToTheEnd) {
  EXPECT_EQ(SplitSqlStatements("SELECT 'a; SELECT 2"), (Statements{"SELECT 'a; SELECT 2"}));
  EXPECT_EQ(SplitSqlStatements("SELECT 1; SELECT 'a\\"), (Statements{"SELECT 1", "SELECT 'a\\"}));
}

TEST(SplitSqlStatementsTest, UnterminatedBlockCommentRunsToTheEnd) {
  EXPECT_EQ(SplitSqlStatements("SELECT 1; /* open; SELECT 2"), (Statements{"SELECT 1"}));
  EXPECT_EQ(SplitSqlStatements("SELECT 1 /*"), (Statements{"SELECT 1"}));
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
TEST(SplitSqlStatementsTest, DoubleDashWithoutSpaceIsNotAComment) {
  EXPECT_EQ(SplitSqlStatements("UPDATE t SET n = n--1; SELECT 2;"),
            (Statements{"UPDATE t SET n = n--1", "SELECT 2"}));
}

// "/*! ... */" (MySQL) and "/*M! ... */" (MariaDB) are executable comments
// whose content the server runs: they are kept, not dropped as comments.
TEST(SplitSqlStatementsTest, ExecutableCommentsAreKept) {
  EXPECT_EQ(SplitSqlStatements("/*!40101 SET NAMES utf8mb4 */; SELECT 1;"),
            (Statements{"/*!40101 SET NAMES utf8mb4 */", "SELECT 1"}));
}

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
