#include "common/api/filter.h"

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace kam::common {
namespace {

// Renders a tree compactly: comparisons as `field op [value]`, groups as
// AND(...) / OR(...).
std::string Render(const FilterNode& node) {
  switch (node.kind) {
    case FilterNode::Kind::kComparison:
      return absl::StrCat(node.comparison.field, FilterOpText(node.comparison.op), "[",
                          node.comparison.value, "]");
    case FilterNode::Kind::kAnd:
    case FilterNode::Kind::kOr: {
      std::string out = node.kind == FilterNode::Kind::kAnd ? "AND(" : "OR(";
      for (size_t i = 0; i < node.children.size(); ++i) {
        if (i > 0) out += ", ";
        out += Render(node.children[i]);
      }
      return out + ")";
    }
  }
  return "?";
}

// Parses `text`, which must be valid, and renders it.
std::string Parsed(absl::string_view text) {
  absl::StatusOr<FilterNode> node = ParseFilter(text);
  if (!node.ok()) return absl::StrCat("error: ", node.status().message());
  return Render(*node);
}

// Parses `text`, which must be invalid, and returns the message after
// checking the code and the "filter " prefix.
std::string ErrorOf(absl::string_view text) {
  absl::StatusOr<FilterNode> node = ParseFilter(text);
  if (node.ok()) return "parsed: " + Render(*node);
  EXPECT_EQ(node.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(node.status().message(), "filter ")) << node.status();
  return std::string(node.status().message());
}

struct FilterCase {
  std::string filter;
  std::string expected;
};

// "a = 1 AND a = 1 AND ..." with `n` comparisons.
std::string Conjunction(int n) {
  std::string text;
  for (int i = 0; i < n; ++i) {
    if (i > 0) text += " AND ";
    absl::StrAppend(&text, "f", i, " = ", i);
  }
  return text;
}

// ------------------------------------------------------------------ basics

// Filters that parse, each with its tree (see Render).
const FilterCase kParses[] = {
    // Parses every operator.
    {"a = 1", "a=[1]"},
    {"a != 1", "a!=[1]"},
    {"a < 1", "a<[1]"},
    {"a <= 1", "a<=[1]"},
    {"a > 1", "a>[1]"},
    {"a >= 1", "a>=[1]"},
    // Spaces around operators are optional.
    {"a=1", "a=[1]"},
    {"a!=1", "a!=[1]"},
    {"a<=1", "a<=[1]"},
    {"  a\t>=\n1  ", "a>=[1]"},
    // Field paths.
    {"labels.region = cn", "labels.region=[cn]"},
    {"labels.team-a = x", "labels.team-a=[x]"},
    {"_x.0.y_z = 1", "_x.0.y_z=[1]"},
    {"ANDroid = 1", "ANDroid=[1]"},
    {"ORDER = 1", "ORDER=[1]"},
    // Quoted values.
    {"name = \"Acme Inc\"", "name=[Acme Inc]"},
    {"name = 'Acme Inc'", "name=[Acme Inc]"},
    {"name = \"\"", "name=[]"},
    {"name = ''", "name=[]"},
    {"name = \"a AND b OR (c)\"", "name=[a AND b OR (c)]"},
    {"name = \"AND\"", "name=[AND]"},
    {"name = 'it\"s'", "name=[it\"s]"},
    {"name = \"it's\"", "name=[it's]"},
    // Escapes in quoted values.
    {R"(name = "say \"hi\"")", "name=[say \"hi\"]"},
    {R"(name = 'O\'Brien')", "name=[O'Brien]"},
    {R"(name = "back\\slash")", "name=[back\\slash]"},
    {R"(name = "\\")", "name=[\\]"},
    {R"(name = "\'")", "name=[']"},
    // Quoted value next to keyword needs no space before paren.
    {"(a = \"x\")AND(b = 'y')", "AND(a=[x], b=[y])"},
    // AND is flattened.
    {"a = 1 AND b = 2 AND c = 3", "AND(a=[1], b=[2], c=[3])"},
    // OR is flattened.
    {"a = 1 OR a = 2 OR a = 3", "OR(a=[1], a=[2], a=[3])"},
    // OR binds tighter than AND.
    {"a = 1 AND b = 2 OR b = 3", "AND(a=[1], OR(b=[2], b=[3]))"},
    {"a = 1 OR a = 2 AND b = 3", "AND(OR(a=[1], a=[2]), b=[3])"},
    {"a = 1 OR a = 2 AND b = 3 OR b = 4 AND c = 5",
     "AND(OR(a=[1], a=[2]), OR(b=[3], b=[4]), c=[5])"},
    // Parentheses override precedence.
    {"(a = 1 AND b = 2) OR c = 3", "OR(AND(a=[1], b=[2]), c=[3])"},
    {"c = 3 OR (a = 1 AND b = 2)", "OR(c=[3], AND(a=[1], b=[2]))"},
    // Redundant parentheses disappear.
    {"(a = 1)", "a=[1]"},
    {"((((a = 1))))", "a=[1]"},
    {"(a = 1 AND b = 2) AND c = 3", "AND(a=[1], b=[2], c=[3])"},
    {"a = 1 OR (b = 2 OR c = 3)", "OR(a=[1], b=[2], c=[3])"},
    // Nested parentheses.
    {"(a = 1 OR (b = 2 AND (c = 3 OR d = 4))) AND e = 5",
     "AND(OR(a=[1], AND(b=[2], OR(c=[3], d=[4]))), e=[5])"},
    // Parentheses need no spaces.
    {"(a=1)OR(b=2)", "OR(a=[1], b=[2])"},
    {"a=1 AND(b=2 OR c=3)", "AND(a=[1], OR(b=[2], c=[3]))"},
};

// Filters that do not parse, each with the whole message a caller sees.
const FilterCase kErrors[] = {
    // Missing value.
    {"state =", "filter expected a value after '=' at offset 7"},
    {"state =   ", "filter expected a value after '=' at offset 10"},
    {"state != )", "filter expected a value after '!=' at offset 9"},
    {"a <= >b", "filter expected a value after '<=' at offset 5"},
    {"a == 1", "filter expected a value after '=' at offset 3"},
    {"a = (1)", "filter expected a value after '=' at offset 4"},
    // Unterminated quoted string.
    {"a = 1 AND b = \"abc", "filter has an unterminated quoted string starting at offset 14"},
    {"name = \"a AND b = 'c')", "filter has an unterminated quoted string starting at offset 7"},
    {"name = 'abc\"", "filter has an unterminated quoted string starting at offset 7"},
    {R"(name = "abc\")", "filter has an unterminated quoted string starting at offset 7"},
    {R"(name = "abc\)", "filter has an unterminated quoted string starting at offset 7"},
    // Colon operator is not supported.
    {"labels:env",
     "filter does not support the ':' operator at offset 6; use = or "
     "!="},
    {"labels.env : prod",
     "filter does not support the ':' operator at offset 11; use = or "
     "!="},
    // Missing operator.
    {"tier",
     "filter expected an operator (=, !=, <, <=, >, >=) after field "
     "tier at offset 4"},
    {"tier GOLD",
     "filter expected an operator (=, !=, <, <=, >, >=) after field "
     "tier at offset 5"},
    {"a ! 1", "filter expected '=' after '!' at offset 3"},
    {"a ~ 1",
     "filter expected an operator (=, !=, <, <=, >, >=) after field a "
     "at offset 2"},
    // Missing or bad field name.
    {"= 1", "filter expected a field name or '(' at offset 0"},
    {"1a = 1", "filter expected a field name or '(' at offset 0"},
    {"\"a\" = 1", "filter expected a field name or '(' at offset 0"},
    {"a. = 1", "filter expected a field name segment after '.' at offset 2"},
    {"a.b. = 1", "filter expected a field name segment after '.' at offset 4"},
    {"()", "filter expected a field name or '(' at offset 1"},
    // Keyword where a comparison belongs.
    {"AND a = 1", "filter expected a field name or '(' at offset 0 but found AND"},
    {"a = 1 AND OR b = 2", "filter expected a field name or '(' at offset 10 but found OR"},
    {"a = 1 AND",
     "filter expected a field name or '(' at offset 9 but the filter "
     "ends there"},
    {"a = 1 OR ",
     "filter expected a field name or '(' at offset 9 but the filter "
     "ends there"},
    // Keywords must be upper case.
    {"a = 1 and b = 2",
     "filter expected AND, OR or the end of the filter at offset 6 (AND "
     "and OR must be upper case)"},
    {"(a = 1 or b = 2)",
     "filter expected AND, OR or ')' at offset 7 (AND and OR must be "
     "upper case)"},
    // Keywords must be separated.
    {"a = \"x\"AND b = 1", "filter expected white space or ')' before AND at offset 7"},
    {"a = 'x'OR b = 1", "filter expected white space or ')' before OR at offset 7"},
    {"a = 1 AND\"x\" = 1", "filter expected white space or '(' after AND at offset 9"},
    {"a = 1AND b = 2", "filter expected AND, OR or the end of the filter at offset 9"},
    // An implicit AND is not supported.
    {"a = 1 b = 2", "filter expected AND, OR or the end of the filter at offset 6"},
    // Unbalanced parentheses.
    {"(a = 1", "filter is missing the ')' that closes the '(' at offset 0"},
    {"a = 1 AND ((b = 2)", "filter is missing the ')' that closes the '(' at offset 10"},
    {"a = 1)", "filter has a ')' without a matching '(' at offset 5"},
    {"(a = 1))", "filter has a ')' without a matching '(' at offset 7"},
    {"(a = 1 b = 2)", "filter expected AND, OR or ')' at offset 7"},
    // Value glued to quoted value is an error.
    {"a = \"x\"y", "filter expected AND, OR or the end of the filter at offset 7"},
    // Invalid UTF-8 is refused.
    {"name = \xff", "filter is not valid UTF-8 at offset 7"},
    {"name = \"\xc0\xaf\"", "filter is not valid UTF-8 at offset 8"},
    {"name = \xed\xa0\x80", "filter is not valid UTF-8 at offset 7"},
};

TEST(ParseFilterTest, ParsesOrRefusesWithAMessageNamingTheProblem) {
  for (const FilterCase& c : kParses) {
    SCOPED_TRACE(c.filter);
    EXPECT_EQ(Parsed(c.filter), c.expected);
  }
  for (const FilterCase& c : kErrors) {
    SCOPED_TRACE(c.filter);
    EXPECT_EQ(ErrorOf(c.filter), c.expected);
  }
}

TEST(FilterOpTextTest, SpellsEveryOperator) {
  EXPECT_EQ(FilterOpText(FilterOp::kEq), "=");
  EXPECT_EQ(FilterOpText(FilterOp::kNe), "!=");
  EXPECT_EQ(FilterOpText(FilterOp::kLt), "<");
  EXPECT_EQ(FilterOpText(FilterOp::kLe), "<=");
  EXPECT_EQ(FilterOpText(FilterOp::kGt), ">");
  EXPECT_EQ(FilterOpText(FilterOp::kGe), ">=");
}

TEST(ParseFilterTest, EmptyOrBlankIsAnEmptyAnd) {
  for (absl::string_view text : {"", " ", " \t\n\r "}) {
    absl::StatusOr<FilterNode> node = ParseFilter(text);
    ASSERT_TRUE(node.ok()) << node.status();
    EXPECT_EQ(node->kind, FilterNode::Kind::kAnd);
    EXPECT_TRUE(node->children.empty());
  }
}

TEST(ParseFilterTest, SingleComparisonIsNotWrapped) {
  absl::StatusOr<FilterNode> node = ParseFilter("tier = GOLD");
  ASSERT_TRUE(node.ok()) << node.status();
  EXPECT_EQ(node->kind, FilterNode::Kind::kComparison);
  EXPECT_TRUE(node->children.empty());
  EXPECT_EQ(node->comparison.field, "tier");
  EXPECT_EQ(node->comparison.op, FilterOp::kEq);
  EXPECT_EQ(node->comparison.value, "GOLD");
}

TEST(ParseFilterTest, BareValuesKeepPunctuation) {
  EXPECT_EQ(Parsed("create_time >= 2024-01-01T00:00:00Z"), "create_time>=[2024-01-01T00:00:00Z]");
  EXPECT_EQ(Parsed("parent = accounts/42"), "parent=[accounts/42]");
  EXPECT_EQ(Parsed("balance < -1.5e3"), "balance<[-1.5e3]");
  EXPECT_EQ(Parsed("name = \xe4\xb8\xad\xf0\x9f\x98\x80"), "name=[\xe4\xb8\xad\xf0\x9f\x98\x80]");
  EXPECT_EQ(Parsed("a = and"), "a=[and]");  // lower case is just a word
  EXPECT_EQ(Parsed("a = ANDY"), "a=[ANDY]");
}

// -------------------------------------------------------- AND, OR, parens

TEST(ParseFilterTest, EightLevelsOfParenthesesAreAllowedNineAreNot) {
  EXPECT_EQ(Parsed("((((((((a = 1))))))))"), "a=[1]");
  EXPECT_EQ(ErrorOf("(((((((((a = 1)))))))))"),
            "filter nests parentheses deeper than 8 levels (at offset 8)");
  // Depth counts nesting, not the number of groups.
  EXPECT_EQ(Parsed("(a=1) AND (b=2) AND (c=3) AND (d=4) AND (e=5) AND "
                   "(f=6) AND (g=7) AND (h=8) AND (i=9)"),
            "AND(a=[1], b=[2], c=[3], d=[4], e=[5], f=[6], g=[7], h=[8], "
            "i=[9])");
}

// ------------------------------------------------------------------ limits

TEST(ParseFilterTest, SixtyFourComparisonsAreAllowedSixtyFiveAreNot) {
  absl::StatusOr<FilterNode> node = ParseFilter(Conjunction(64));
  ASSERT_TRUE(node.ok()) << node.status();
  EXPECT_EQ(node->children.size(), 64u);
  EXPECT_EQ(ErrorOf(Conjunction(65)), "filter has more than 64 comparisons");
}

TEST(ParseFilterTest, TextOf4096BytesIsAllowedLongerIsNot) {
  const std::string prefix = "name = ";
  const std::string at_limit = prefix + std::string(4096 - prefix.size(), 'x');
  ASSERT_EQ(at_limit.size(), 4096u);
  absl::StatusOr<FilterNode> node = ParseFilter(at_limit);
  ASSERT_TRUE(node.ok()) << node.status();
  EXPECT_EQ(node->comparison.value.size(), 4096u - prefix.size());
  EXPECT_EQ(ErrorOf(at_limit + "x"), "filter is longer than 4096 bytes (got 4097)");
  EXPECT_EQ(ErrorOf(std::string(4097, ' ')), "filter is longer than 4096 bytes (got 4097)");
}

// ------------------------------------------------------------------ errors

TEST(ParseFilterTest, BareKeywordAsValueIsAnError) {
  const std::string error = ErrorOf("a = AND");
  EXPECT_TRUE(absl::StartsWith(error,
                               "filter expected a value after '=' at offset 4 but found the "
                               "keyword AND"))
      << error;
  EXPECT_TRUE(absl::StrContains(error, "quote it")) << error;
  EXPECT_TRUE(absl::StartsWith(ErrorOf("a = OR AND b = 1"),
                               "filter expected a value after '=' at offset 4"));
}

TEST(ParseFilterTest, UnsupportedEscape) {
  const std::string error = ErrorOf(R"(name = "a\nb")");
  EXPECT_TRUE(absl::StartsWith(error, "filter has an unsupported escape at offset 9")) << error;
}

TEST(ParseFilterTest, NotIsNotSupported) {
  const std::string error = ErrorOf("NOT a = 1");
  EXPECT_TRUE(absl::StartsWith(error, "filter does not support NOT")) << error;
}

TEST(ParseFilterTest, RejectsControlCharactersButNotWhiteSpace) {
  EXPECT_EQ(ErrorOf(std::string("name = a\0b", 10)), "filter has a control character at offset 8");
  EXPECT_EQ(ErrorOf("name = \"a\x1b\""), "filter has a control character at offset 9");
  EXPECT_EQ(ErrorOf("name = \xc2\x85"), "filter has a control character at offset 7");
  EXPECT_EQ(Parsed("a = 1\r\nAND\tb = 2\f"), "AND(a=[1], b=[2])");
}

// Time values: RFC 3339 with any offset, from year 1 to 9999. A year past
// 9999 used to be stored as another year and select the wrong rows.
TEST(ParseFilterTimeTest, RangeAndForm) {
  const auto utc = [](int64_t y, int m, int d, int hh = 0) {
    return absl::FromCivil(absl::CivilSecond(y, m, d, hh, 0, 0), absl::UTCTimeZone());
  };
  struct Case {
    const char* value;
    absl::StatusOr<absl::Time> want;
  };
  const std::string bad_form =
      "filter value for create_time must be an RFC 3339 time like 2026-01-31T00:00:00Z";
  const std::string out_of_range =
      "filter value for create_time must be a time from year 1 to 9999";
  const Case cases[] = {
      {"2026-01-31T00:00:00Z", utc(2026, 1, 31)},
      {"0001-01-01T00:00:00Z", utc(1, 1, 1)},
      {"9999-12-31T23:59:59.999999999Z", utc(10000, 1, 1) - absl::Nanoseconds(1)},
      {"10000-01-01T05:00:00+08:00", utc(9999, 12, 31, 21)},  // in range once in UTC
      {"10000-01-01T00:00:00Z", absl::InvalidArgumentError(out_of_range)},
      {"9999-12-31T23:00:00-02:00", absl::InvalidArgumentError(out_of_range)},
      {"0001-01-01T00:00:00+00:01", absl::InvalidArgumentError(out_of_range)},
      {"-0001-01-01T00:00:00Z", absl::InvalidArgumentError(out_of_range)},
      {"infinite-future", absl::InvalidArgumentError(out_of_range)},
      {"infinite-past", absl::InvalidArgumentError(out_of_range)},
      {"yesterday", absl::InvalidArgumentError(bad_form)},
  };
  for (const Case& c : cases) {
    const absl::StatusOr<absl::Time> got =
        ParseFilterTime(FilterComparison{"create_time", FilterOp::kLt, c.value});
    if (c.want.ok()) {
      ASSERT_TRUE(got.ok()) << c.value << ": " << got.status();
      EXPECT_EQ(*got, *c.want) << c.value;
      continue;
    }
    ASSERT_FALSE(got.ok()) << c.value;
    EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument) << c.value;
    EXPECT_TRUE(absl::StartsWith(got.status().message(), c.want.status().message()))
        << c.value << ": " << got.status();
  }
}

}  // namespace
}  // namespace kam::common
