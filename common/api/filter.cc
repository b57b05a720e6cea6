#include "common/api/filter.h"

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/base/status_macros.h"
#include "common/base/time_range.h"
#include "common/base/utf8.h"

namespace kam::common {
namespace {

constexpr size_t kMaxFilterBytes = 4096;
constexpr int kMaxComparisons = 64;
constexpr int kMaxDepth = 8;

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Characters that end a bare word (a bare value or a keyword).
bool IsBareChar(char c) {
  switch (c) {
    case '"':
    case '\'':
    case '(':
    case ')':
    case '=':
    case '!':
    case '<':
    case '>': return false;
    default: return !IsSpace(c);
  }
}

bool IsNameStart(char c) { return absl::ascii_isalpha(c) || c == '_'; }
bool IsNameChar(char c) { return absl::ascii_isalnum(c) || c == '_'; }
bool IsSegmentChar(char c) { return IsNameChar(c) || c == '-'; }

bool IsKeyword(absl::string_view word) { return word == "AND" || word == "OR"; }

absl::Status Error(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("filter ", what));
}

// Refuses invalid UTF-8 and control characters other than white space.
absl::Status CheckCharacters(absl::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t start = pos;
    char32_t c = 0;
    if (!DecodeUtf8(text, &pos, &c)) {
      return Error(absl::StrCat("is not valid UTF-8 at offset ", pos));
    }
    if (IsControlCharacter(c) && !(c < 0x80 && IsSpace(static_cast<char>(c)))) {
      return Error(absl::StrCat("has a control character at offset ", start));
    }
  }
  return absl::OkStatus();
}

// Builds an AND or OR of `children`. Nested nodes of the same kind are
// merged, so `a AND (b AND c)` and `a AND b AND c` give the same tree, and a
// single child stands for itself.
FilterNode Combine(FilterNode::Kind kind, std::vector<FilterNode> children) {
  if (children.size() == 1) return std::move(children.front());
  FilterNode node;
  node.kind = kind;
  for (FilterNode& child : children) {
    if (child.kind == kind) {
      for (FilterNode& grandchild : child.children) {
        node.children.push_back(std::move(grandchild));
      }
    } else {
      node.children.push_back(std::move(child));
    }
  }
  return node;
}

// Recursive descent over the grammar in filter.h; `pos_` is the byte offset
// of the next unread character, and every error reports where it stopped.
class Parser {
 public:
  explicit Parser(absl::string_view text) : text_(text) {}

  absl::StatusOr<FilterNode> Parse() {
    SkipSpace();
    if (AtEnd()) {
      // No condition: an AND of nothing is true.
      FilterNode node;
      node.kind = FilterNode::Kind::kAnd;
      return node;
    }
    KAM_ASSIGN_OR_RETURN(FilterNode node, ParseAnd(/*depth=*/0));
    SkipSpace();
    if (!AtEnd()) {
      if (Peek() == ')') {
        return Error(absl::StrCat("has a ')' without a matching '(' at offset ", pos_));
      }
      return Expected("AND, OR or the end of the filter");
    }
    return node;
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return text_[pos_]; }

  void SkipSpace() {
    while (!AtEnd() && IsSpace(Peek())) ++pos_;
  }

  // The bare word starting at `pos_` (possibly empty); not consumed.
  absl::string_view PeekWord() const {
    size_t end = pos_;
    while (end < text_.size() && IsBareChar(text_[end])) ++end;
    return text_.substr(pos_, end - pos_);
  }

  // "filter expected <what> at offset N", with a hint when the caller wrote
  // a keyword in lower case.
  absl::Status Expected(absl::string_view what) const {
    std::string message = absl::StrCat("expected ", what, " at offset ", pos_);
    const std::string word = absl::AsciiStrToLower(PeekWord());
    if (word == "and" || word == "or") {
      absl::StrAppend(&message, " (AND and OR must be upper case)");
    }
    return Error(message);
  }

  // Consumes `keyword` when it is the next word. Keywords must stand apart
  // from their neighbours, so `"x"AND` is an error rather than a guess.
  absl::StatusOr<bool> ConsumeKeyword(absl::string_view keyword) {
    if (PeekWord() != keyword) return false;
    if (pos_ == 0 || !(IsSpace(text_[pos_ - 1]) || text_[pos_ - 1] == ')')) {
      return Error(
          absl::StrCat("expected white space or ')' before ", keyword, " at offset ", pos_));
    }
    const size_t after = pos_ + keyword.size();
    if (after < text_.size() && !IsSpace(text_[after]) && text_[after] != '(') {
      return Error(
          absl::StrCat("expected white space or '(' after ", keyword, " at offset ", after));
    }
    pos_ = after;
    return true;
  }

  // and_expr := or_expr { "AND" or_expr }
  absl::StatusOr<FilterNode> ParseAnd(int depth) {
    return ParseList(FilterNode::Kind::kAnd, "AND", depth, &Parser::ParseOr);
  }

  // or_expr := factor { "OR" factor }
  absl::StatusOr<FilterNode> ParseOr(int depth) {
    return ParseList(FilterNode::Kind::kOr, "OR", depth, &Parser::ParseFactor);
  }

  // item { keyword item }, as one node of `kind`.
  absl::StatusOr<FilterNode> ParseList(FilterNode::Kind kind, absl::string_view keyword, int depth,
                                       absl::StatusOr<FilterNode> (Parser::*parse_item)(int)) {
    std::vector<FilterNode> children;
    while (true) {
      KAM_ASSIGN_OR_RETURN(FilterNode child, (this->*parse_item)(depth));
      children.push_back(std::move(child));
      SkipSpace();
      KAM_ASSIGN_OR_RETURN(bool more, ConsumeKeyword(keyword));
      if (!more) break;
    }
    return Combine(kind, std::move(children));
  }

  // factor := comparison | "(" and_expr ")"
  absl::StatusOr<FilterNode> ParseFactor(int depth) {
    SkipSpace();
    if (AtEnd()) {
      return Error(absl::StrCat("expected a field name or '(' at offset ", pos_,
                                " but the filter ends there"));
    }
    if (Peek() != '(') return ParseComparison();

    const size_t open = pos_;
    // The limit keeps recursion (and the SQL built from the tree) shallow.
    if (depth + 1 > kMaxDepth) {
      return Error(absl::StrCat("nests parentheses deeper than ", kMaxDepth, " levels (at offset ",
                                open, ")"));
    }
    ++pos_;
    KAM_ASSIGN_OR_RETURN(FilterNode node, ParseAnd(depth + 1));
    SkipSpace();
    if (AtEnd()) {
      return Error(
          absl::StrCat("is missing the ')' that closes the '(' at "
                       "offset ",
                       open));
    }
    if (Peek() != ')') return Expected("AND, OR or ')'");
    ++pos_;
    return node;
  }

  // comparison := field op value
  absl::StatusOr<FilterNode> ParseComparison() {
    absl::StatusOr<std::string> field = ParseField();
    if (!field.ok()) return field.status();
    SkipSpace();
    absl::StatusOr<FilterOp> op = ParseOp(*field);
    if (!op.ok()) return op.status();
    SkipSpace();
    absl::StatusOr<std::string> value = ParseValue(*op);
    if (!value.ok()) return value.status();

    if (++comparisons_ > kMaxComparisons) {
      return Error(absl::StrCat("has more than ", kMaxComparisons, " comparisons"));
    }
    FilterNode node;
    node.kind = FilterNode::Kind::kComparison;
    node.comparison.field = *std::move(field);
    node.comparison.op = *op;
    node.comparison.value = *std::move(value);
    return node;
  }

  // field := name { "." segment }
  absl::StatusOr<std::string> ParseField() {
    const size_t start = pos_;
    if (!IsNameStart(Peek())) return Expected("a field name or '('");
    while (!AtEnd() && IsNameChar(Peek())) ++pos_;
    while (!AtEnd() && Peek() == '.') {
      ++pos_;
      const size_t segment_start = pos_;
      while (!AtEnd() && IsSegmentChar(Peek())) ++pos_;
      if (pos_ == segment_start) {
        return Error(
            absl::StrCat("expected a field name segment after '.' at "
                         "offset ",
                         pos_));
      }
    }
    const absl::string_view field = text_.substr(start, pos_ - start);
    if (IsKeyword(field)) {
      return Error(
          absl::StrCat("expected a field name or '(' at offset ", start, " but found ", field));
    }
    if (field == "NOT" && !AtEnd() && IsSpace(Peek())) {
      return Error(absl::StrCat("does not support NOT (at offset ", start,
                                "); use != or the opposite operator"));
    }
    return std::string(field);
  }

  // op := "=" | "!=" | "<" | "<=" | ">" | ">="
  absl::StatusOr<FilterOp> ParseOp(absl::string_view field) {
    const auto next_is = [&](char c) { return pos_ + 1 < text_.size() && text_[pos_ + 1] == c; };
    if (!AtEnd()) {
      // "<=" or "<" (and ">=" or ">").
      auto with_or_without_eq = [&](FilterOp with_eq, FilterOp without) {
        const bool eq = next_is('=');
        pos_ += eq ? 2 : 1;
        return eq ? with_eq : without;
      };
      switch (Peek()) {
        case '=': pos_ += 1; return FilterOp::kEq;
        case '!':
          if (next_is('=')) {
            pos_ += 2;
            return FilterOp::kNe;
          }
          return Error(absl::StrCat("expected '=' after '!' at offset ", pos_ + 1));
        case '<': return with_or_without_eq(FilterOp::kLe, FilterOp::kLt);
        case '>': return with_or_without_eq(FilterOp::kGe, FilterOp::kGt);
        case ':':
          // AIP-160's "has" operator; say so rather than "expected an
          // operator", since ':' is what many callers try first.
          return Error(
              absl::StrCat("does not support the ':' operator at offset ", pos_, "; use = or !="));
        default: break;
      }
    }
    return Error(
        absl::StrCat("expected an operator (=, !=, <, <=, >, >=) "
                     "after field ",
                     field, " at offset ", pos_));
  }

  // value := quoted | bare
  absl::StatusOr<std::string> ParseValue(FilterOp op) {
    const std::string expected_value =
        absl::StrCat("expected a value after '", FilterOpText(op), "' at offset ", pos_);
    if (AtEnd()) return Error(expected_value);
    const char quote = Peek();
    if (quote == '"' || quote == '\'') return ParseQuoted(quote);

    const absl::string_view word = PeekWord();
    if (word.empty()) return Error(expected_value);
    if (IsKeyword(word)) {
      return Error(absl::StrCat(expected_value, " but found the keyword ", word, "; quote it (\"",
                                word, "\") to compare with the word itself"));
    }
    pos_ += word.size();
    return std::string(word);
  }

  // quoted := '"' ... '"' or "'" ... "'" with \" \' \\ escapes
  absl::StatusOr<std::string> ParseQuoted(char quote) {
    const size_t start = pos_;
    ++pos_;
    std::string value;
    while (true) {
      if (AtEnd()) {
        return Error(absl::StrCat("has an unterminated quoted string starting at offset ", start));
      }
      const char c = Peek();
      if (c == quote) {
        ++pos_;
        return value;
      }
      if (c == '\\') {
        if (pos_ + 1 >= text_.size()) {
          return Error(
              absl::StrCat("has an unterminated quoted string starting at offset ", start));
        }
        const char escaped = text_[pos_ + 1];
        if (escaped != '"' && escaped != '\'' && escaped != '\\') {
          // Only these three, so that no other backslash sequence can mean
          // something today and something else once more are supported.
          return Error(absl::StrCat("has an unsupported escape at offset ", pos_,
                                    "; only \\\", \\' and \\\\ may follow a backslash"));
        }
        value.push_back(escaped);
        pos_ += 2;
        continue;
      }
      value.push_back(c);
      ++pos_;
    }
  }

  absl::string_view text_;
  size_t pos_ = 0;
  int comparisons_ = 0;
};

}  // namespace

absl::string_view FilterOpText(FilterOp op) {
  switch (op) {
    case FilterOp::kEq: return "=";
    case FilterOp::kNe: return "!=";
    case FilterOp::kLt: return "<";
    case FilterOp::kLe: return "<=";
    case FilterOp::kGt: return ">";
    case FilterOp::kGe: return ">=";
  }
  return "?";  // Not reached: the switch covers every FilterOp.
}

absl::StatusOr<FilterNode> ParseFilter(absl::string_view text) {
  // Checked before anything else so that an oversized filter costs nothing.
  if (text.size() > kMaxFilterBytes) {
    return Error(
        absl::StrCat("is longer than ", kMaxFilterBytes, " bytes (got ", text.size(), ")"));
  }
  absl::Status status = CheckCharacters(text);
  if (!status.ok()) return status;
  return Parser(text).Parse();
}

absl::StatusOr<absl::Time> ParseFilterTime(const FilterComparison& comparison) {
  absl::Time time;
  std::string error;
  // ParseTime also takes years past 9999, negative years and the names
  // "infinite-future" and "infinite-past": CheckTime refuses them all.
  if (!absl::ParseTime(absl::RFC3339_full, comparison.value, &time, &error)) {
    return Error(absl::StrCat("value for ", comparison.field,
                              " must be an RFC 3339 time like 2026-01-31T00:00:00Z"));
  }
  KAM_RETURN_IF_ERROR(CheckTime(absl::StrCat("filter value for ", comparison.field), time));
  return time;
}

}  // namespace kam::common
