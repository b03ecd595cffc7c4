#include "server/loopback/regexp_pattern.h"

#include <algorithm>
#include <iterator>
#include <memory>
#include <optional>

namespace swapi::server {

namespace {

using Instruction = RegexpPattern::Instruction;
using Op = Instruction::Op;
using CharClass = RegexpPattern::CharClass;

// A byte that starts no valid UTF-8 sequence stands for itself above the Unicode range, so it
// equals only itself and falls in no range.
constexpr std::uint32_t kInvalidByteBase = 0x110000;

std::vector<std::uint32_t> decode_utf8(std::string_view text) {
  std::vector<std::uint32_t> points;
  points.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    auto byte = static_cast<unsigned char>(text[i]);
    std::size_t length = byte < 0x80 ? 1 : (byte >> 5) == 0x6 ? 2 : (byte >> 4) == 0xE ? 3 : (byte >> 3) == 0x1E ? 4 : 0;
    std::uint32_t point = length == 1 ? byte : length == 2 ? byte & 0x1F : length == 3 ? byte & 0x0F : byte & 0x07;
    bool valid = length > 0 && i + length <= text.size();
    for (std::size_t k = 1; valid && k < length; ++k) {
      auto next = static_cast<unsigned char>(text[i + k]);
      valid = (next >> 6) == 0x2;
      point = (point << 6) | (next & 0x3F);
    }
    if (!valid) {
      points.push_back(kInvalidByteBase + byte);
      ++i;
      continue;
    }
    points.push_back(point);
    i += length;
  }
  return points;
}

bool is_line_terminator(std::uint32_t c) { return c == '\n' || c == '\r' || c == 0x2028 || c == 0x2029; }
bool is_digit(std::uint32_t c) { return c >= '0' && c <= '9'; }
bool is_word(std::uint32_t c) { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_space(std::uint32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == ' ' || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
         c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000 || c == 0xFEFF;
}
std::uint32_t ascii_lower(std::uint32_t c) { return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c; }
std::uint32_t ascii_upper(std::uint32_t c) { return c >= 'a' && c <= 'z' ? c - ('a' - 'A') : c; }

// The parsed expression.
struct Node {
  enum class Kind { empty, point, char_class, any, line_start, line_end, word_boundary, not_word_boundary, concat,
                    alternation, repeat };
  Kind kind = Kind::empty;
  std::uint32_t point = 0;
  std::size_t class_index = 0;
  std::vector<std::unique_ptr<Node>> children;
  int min = 0, max = -1;  // repeat: max -1 is unbounded
};
using NodePtr = std::unique_ptr<Node>;

NodePtr make(Node::Kind kind) {
  auto node = std::make_unique<Node>();
  node->kind = kind;
  return node;
}

const char* kSupported =
    "supported: literals, ., [...], \\d \\w \\s \\b, groups, |, * + ? {n,m}, ^ $, flags i g m";

class Parser {
 public:
  Parser(std::vector<std::uint32_t> pattern, std::vector<CharClass>& classes)
      : pattern_(std::move(pattern)), classes_(classes) {}

  NodePtr parse() {
    auto node = disjunction();
    if (at_end()) return node;
    fail("unmatched ')'");  // disjunction stops only at the end or at ')'
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw RegexpError(what + " at character " + std::to_string(position_ + 1));
  }
  [[noreturn]] void unsupported(const std::string& what) const {
    throw RegexpError(what + " (at character " + std::to_string(position_ + 1) + ") is not supported; " + kSupported);
  }
  bool at_end() const { return position_ >= pattern_.size(); }
  std::uint32_t peek(std::size_t ahead = 0) const {
    return position_ + ahead < pattern_.size() ? pattern_[position_ + ahead] : 0xFFFFFFFF;
  }
  bool take(std::uint32_t c) {
    if (peek() != c) return false;
    ++position_;
    return true;
  }

  NodePtr disjunction() {
    auto first = alternative();
    if (peek() != '|') return first;
    auto node = make(Node::Kind::alternation);
    node->children.push_back(std::move(first));
    while (take('|')) node->children.push_back(alternative());
    return node;
  }

  NodePtr alternative() {
    auto node = make(Node::Kind::concat);
    while (!at_end() && peek() != '|' && peek() != ')') node->children.push_back(term());
    return node;
  }

  NodePtr term() {
    std::size_t start = position_;
    bool assertion = false;
    auto atom_node = atom(assertion);
    auto quantifier = parse_quantifier();
    if (!quantifier) return atom_node;
    if (assertion) {
      position_ = start;
      fail("nothing to repeat");
    }
    auto node = make(Node::Kind::repeat);
    node->min = quantifier->first;
    node->max = quantifier->second;
    node->children.push_back(std::move(atom_node));
    return node;
  }

  // Decimal digits at the position, capped so a long run cannot overflow; nullopt when none.
  std::optional<long> digits() {
    std::size_t start = position_;
    long value = 0;
    while (is_digit(peek())) {
      value = std::min<long>(value * 10 + static_cast<long>(peek() - '0'), 1000000);
      ++position_;
    }
    if (position_ == start) return std::nullopt;
    return value;
  }

  // * + ? {n} {n,} {n,m}, then an optional '?' (lazy). A '{' that starts no valid count is a
  // literal, as JavaScript's Annex B reads it.
  std::optional<std::pair<int, int>> parse_quantifier() {
    std::optional<std::pair<int, int>> result;
    std::size_t start = position_;
    if (take('*')) {
      result = std::pair{0, -1};
    } else if (take('+')) {
      result = std::pair{1, -1};
    } else if (take('?')) {
      result = std::pair{0, 1};
    } else if (take('{')) {
      auto low = digits();
      std::optional<long> high = low;
      bool valid = low.has_value();
      if (valid && take(',')) high = is_digit(peek()) ? digits() : std::optional<long>(-1);
      valid = valid && take('}');
      if (!valid) {
        position_ = start;  // a literal '{'
        return std::nullopt;
      }
      if (*low > kMaxRegexpCount || *high > kMaxRegexpCount) {
        position_ = start;
        unsupported("a count above " + std::to_string(kMaxRegexpCount) + " in {n,m}");
      }
      if (*high != -1 && *high < *low) {
        position_ = start;
        fail("numbers out of order in {} quantifier");
      }
      result = std::pair{static_cast<int>(*low), static_cast<int>(*high)};
    }
    if (result) take('?');
    return result;
  }

  NodePtr point_node(std::uint32_t c) {
    auto node = make(Node::Kind::point);
    node->point = c;
    return node;
  }

  NodePtr class_node(CharClass set) {
    auto node = make(Node::Kind::char_class);
    node->class_index = classes_.size();
    classes_.push_back(std::move(set));
    return node;
  }

  NodePtr atom(bool& assertion) {
    std::uint32_t c = peek();
    switch (c) {
      case '^': ++position_; assertion = true; return make(Node::Kind::line_start);
      case '$': ++position_; assertion = true; return make(Node::Kind::line_end);
      case '.': ++position_; return make(Node::Kind::any);
      case '*': case '+': case '?': fail("nothing to repeat");
      case '(': return group();
      case '[': return char_class();
      case '{': {
        if (parse_quantifier()) fail("nothing to repeat");
        ++position_;
        return point_node('{');
      }
      case '\\': return escape(assertion);
      default: ++position_; return point_node(c);
    }
  }

  NodePtr group() {
    std::size_t start = position_++;
    if (take('?')) {
      if (take(':')) {
      } else if (peek() == '=' || peek() == '!' || (peek() == '<' && (peek(1) == '=' || peek(1) == '!'))) {
        position_ = start;
        unsupported("a lookahead or lookbehind assertion");
      } else if (take('<')) {
        while (!at_end() && peek() != '>') ++position_;  // a named group: the name is not needed
        if (!take('>')) fail("invalid capture group name");
      } else {
        fail("invalid group");
      }
    }
    auto inner = disjunction();
    if (!take(')')) {
      position_ = start;
      fail("unterminated group");
    }
    return inner;
  }

  // \d \D \w \W \s \S as a class (negated for the capitals).
  static std::optional<CharClass> class_escape(std::uint32_t c) {
    CharClass set;
    switch (ascii_lower(c)) {
      case 'd': set.ranges = {{'0', '9'}}; break;
      case 'w': set.ranges = {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}}; break;
      case 's':
        set.ranges = {{0x09, 0x0D}, {' ', ' '}, {0xA0, 0xA0}, {0x1680, 0x1680}, {0x2000, 0x200A}, {0x2028, 0x2029},
                      {0x202F, 0x202F}, {0x205F, 0x205F}, {0x3000, 0x3000}, {0xFEFF, 0xFEFF}};
        break;
      default: return std::nullopt;
    }
    set.negated = c >= 'A' && c <= 'Z';
    return set;
  }

  std::optional<std::uint32_t> hex(std::size_t count) {
    std::uint32_t value = 0;
    for (std::size_t k = 0; k < count; ++k) {
      std::uint32_t c = ascii_lower(peek(k));
      if (!is_digit(c) && !(c >= 'a' && c <= 'f')) return std::nullopt;
      value = value * 16 + (is_digit(c) ? c - '0' : c - 'a' + 10);
    }
    position_ += count;
    return value;
  }

  // The character an escape stands for (after the backslash), for the escapes that are one
  // character both inside and outside a class.
  std::uint32_t character_escape(bool in_class) {
    std::uint32_t c = peek();
    ++position_;
    switch (c) {
      case 't': return '\t';
      case 'n': return '\n';
      case 'v': return '\v';
      case 'f': return '\f';
      case 'r': return '\r';
      case 'x': return hex(2).value_or('x');
      case 'u': return hex(4).value_or('u');
      case 'c': {
        std::uint32_t letter = peek();
        if ((letter >= 'a' && letter <= 'z') || (letter >= 'A' && letter <= 'Z')) {
          ++position_;
          return letter % 32;
        }
        --position_;  // "\c" not before a letter is a backslash, then "c"
        return '\\';
      }
      case 'b': return in_class ? 0x08 : 'b';
      case '0':
        if (!is_digit(peek())) return 0;
        break;
      default:
        if (!is_digit(c) && c != 'k') return c;  // an identity escape: \. \/ \\ \- ...
    }
    position_ -= 1;
    --position_;
    unsupported(c == 'k' ? "a named backreference \\k" : "a backreference or octal escape \\" + std::string(1, static_cast<char>(c)));
  }

  NodePtr escape(bool& assertion) {
    ++position_;  // the backslash
    if (at_end()) fail("\\ at end of pattern");
    std::uint32_t c = peek();
    if (c == 'b' || c == 'B') {
      ++position_;
      assertion = true;
      return make(c == 'b' ? Node::Kind::word_boundary : Node::Kind::not_word_boundary);
    }
    if (auto set = class_escape(c)) {
      ++position_;
      return class_node(std::move(*set));
    }
    return point_node(character_escape(false));
  }

  // One class atom: a character (nullopt) or a class escape added to `set` (returns true).
  bool class_atom(CharClass& set, std::uint32_t& point) {
    if (take('\\')) {
      if (at_end()) fail("\\ at end of pattern");
      if (auto escape_set = class_escape(peek())) {
        ++position_;
        if (!escape_set->negated) {
          set.ranges.insert(set.ranges.end(), escape_set->ranges.begin(), escape_set->ranges.end());
        } else {
          std::uint32_t which = ascii_lower(pattern_[position_ - 1]);
          (which == 'd' ? set.not_digit : which == 'w' ? set.not_word : set.not_space) = true;
        }
        return true;
      }
      point = character_escape(true);
      return false;
    }
    point = peek();
    ++position_;
    return false;
  }

  NodePtr char_class() {
    std::size_t start = position_++;
    CharClass set;
    set.negated = take('^');
    while (!take(']')) {
      if (at_end()) {
        position_ = start;
        fail("unterminated character class");
      }
      std::uint32_t low = 0;
      bool low_is_set = class_atom(set, low);
      if (peek() == '-' && peek(1) != ']' && position_ + 1 < pattern_.size()) {
        std::size_t dash = position_++;
        std::uint32_t high = 0;
        bool high_is_set = class_atom(set, high);
        if (low_is_set || high_is_set) {  // Annex B: [\d-z] is \d, '-', 'z'
          if (!low_is_set) set.ranges.push_back({low, low});
          set.ranges.push_back({'-', '-'});
          if (!high_is_set) set.ranges.push_back({high, high});
          continue;
        }
        if (high < low) {
          position_ = dash;
          fail("range out of order in character class");
        }
        set.ranges.push_back({low, high});
        continue;
      }
      if (!low_is_set) set.ranges.push_back({low, low});
    }
    return class_node(std::move(set));
  }

  std::vector<std::uint32_t> pattern_;
  std::vector<CharClass>& classes_;
  std::size_t position_ = 0;
};

class Compiler {
 public:
  explicit Compiler(std::vector<Instruction>& program, bool ignore_case)
      : program_(program), ignore_case_(ignore_case) {}

  void compile(const Node& node) {
    switch (node.kind) {
      case Node::Kind::empty: return;
      case Node::Kind::point:
        emit({Op::point, ignore_case_ ? ascii_lower(node.point) : node.point, 0});
        return;
      case Node::Kind::char_class: emit({Op::char_class, static_cast<std::uint32_t>(node.class_index), 0}); return;
      case Node::Kind::any: emit({Op::any, 0, 0}); return;
      case Node::Kind::line_start: emit({Op::line_start, 0, 0}); return;
      case Node::Kind::line_end: emit({Op::line_end, 0, 0}); return;
      case Node::Kind::word_boundary: emit({Op::word_boundary, 0, 0}); return;
      case Node::Kind::not_word_boundary: emit({Op::not_word_boundary, 0, 0}); return;
      case Node::Kind::concat:
        for (const auto& child : node.children) compile(*child);
        return;
      case Node::Kind::alternation: {
        // split L1, next; L1: a; jump end; next: split L2, ... ; last alternative falls through
        std::vector<std::size_t> jumps;
        for (std::size_t i = 0; i < node.children.size(); ++i) {
          if (i + 1 < node.children.size()) {
            std::size_t split = emit({Op::split, 0, 0});
            program_[split].a = here();
            compile(*node.children[i]);
            jumps.push_back(emit({Op::jump, 0, 0}));
            program_[split].b = here();
          } else {
            compile(*node.children[i]);
          }
        }
        for (auto jump : jumps) program_[jump].a = here();
        return;
      }
      case Node::Kind::repeat: return repeat(*node.children.front(), node.min, node.max);
    }
  }

  void finish() { emit({Op::match, 0, 0}); }

 private:
  void repeat(const Node& body, int min, int max) {
    for (int i = 0; i < min; ++i) compile(body);
    if (max == -1) {
      // L: split body, end; body; jump L; end:
      std::size_t split = emit({Op::split, 0, 0});
      program_[split].a = here();
      compile(body);
      emit({Op::jump, static_cast<std::uint32_t>(split), 0});
      program_[split].b = here();
      return;
    }
    // (body (body (...)?)?)?: every optional copy may stop the repetition.
    std::vector<std::size_t> splits;
    for (int i = min; i < max; ++i) {
      std::size_t split = emit({Op::split, 0, 0});
      program_[split].a = here();
      splits.push_back(split);
      compile(body);
    }
    for (auto split : splits) program_[split].b = here();
  }

  std::uint32_t here() const { return static_cast<std::uint32_t>(program_.size()); }

  std::size_t emit(Instruction instruction) {
    // Checked as it grows, so a nested count ((a{100}){100}) stops at the cap, not after.
    if (program_.size() >= kMaxRegexpStates)
      throw RegexpError("the expression compiles to more than " + std::to_string(kMaxRegexpStates) +
                        " states; use a shorter pattern or smaller {n,m} counts");
    program_.push_back(instruction);
    return program_.size() - 1;
  }

  std::vector<Instruction>& program_;
  bool ignore_case_;
};

// The states of one step: each at most once, in insertion order (a sparse set: O(1) insert,
// test and clear).
class StateSet {
 public:
  explicit StateSet(std::size_t size) : dense_(size), sparse_(size) {}
  bool contains(std::uint32_t state) const {
    std::uint32_t index = sparse_[state];
    return index < count_ && dense_[index] == state;
  }
  void insert(std::uint32_t state) {
    sparse_[state] = static_cast<std::uint32_t>(count_);
    dense_[count_++] = state;
  }
  void clear() { count_ = 0; }
  std::size_t size() const { return count_; }
  std::uint32_t operator[](std::size_t i) const { return dense_[i]; }

 private:
  std::vector<std::uint32_t> dense_, sparse_;
  std::size_t count_ = 0;
};

}  // namespace

RegexpPattern RegexpPattern::from_loopback(std::string_view text) {
  // juggler's hasRegExpFlags: /.*\/.+$/ — a '/' followed by one or more characters, none a line
  // terminator, up to the end of the string.
  auto points = decode_utf8(text);
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < points.size(); ++i)
    if (is_line_terminator(points[i])) line_start = i + 1;
  bool has_flags = false;
  for (std::size_t i = line_start; i + 1 < points.size(); ++i)
    if (points[i] == '/') has_flags = true;
  if (!has_flags) return RegexpPattern(text, RegexpFlags{});

  auto last_slash = text.rfind('/');
  RegexpFlags flags;
  std::string invalid;
  for (char flag : text.substr(last_slash + 1)) {
    if (flag == 'i') {
      flags.ignore_case = true;
    } else if (flag == 'm') {
      flags.multiline = true;
    } else if (flag != 'g') {
      invalid += invalid.empty() ? "" : ",";
      invalid += flag;
    }
  }
  if (!invalid.empty()) throw RegexpError("Invalid regex flags: " + invalid + " (LoopBack allows i, g and m)");
  // JavaScript's substr(1, lastIndexOf('/') - 1): the first character is taken for the opening
  // delimiter, whatever it is. The first code point may be several bytes.
  std::size_t first = points.empty() ? 0 : (points[0] < 0x80 || points[0] >= kInvalidByteBase ? 1 : points[0] < 0x800 ? 2 : points[0] < 0x10000 ? 3 : 4);
  std::string_view source = last_slash > first ? text.substr(first, last_slash - first) : std::string_view();
  return RegexpPattern(source, flags);
}

RegexpPattern::RegexpPattern(std::string_view source, RegexpFlags flags) : flags_(flags) {
  auto points = decode_utf8(source);
  if (points.size() > kMaxRegexpLength)
    throw RegexpError("the expression is " + std::to_string(points.size()) + " characters long, more than the " +
                      std::to_string(kMaxRegexpLength) + " allowed");
  auto tree = Parser(std::move(points), classes_).parse();
  Compiler compiler(program_, flags_.ignore_case);
  compiler.compile(*tree);
  compiler.finish();
  prepare_classes();
}

bool RegexpPattern::in_class(const CharClass& set, std::uint32_t c) const {
  // The ranges are sorted and disjoint: the last one starting at or below c is the only candidate.
  auto after = std::upper_bound(set.ranges.begin(), set.ranges.end(), c,
                                [](std::uint32_t point, const Range& range) { return point < range.low; });
  bool hit = after != set.ranges.begin() && c <= std::prev(after)->high;
  return hit || (set.not_digit && !is_digit(c)) || (set.not_word && !is_word(c)) || (set.not_space && !is_space(c));
}

void RegexpPattern::prepare_classes() {
  for (auto& set : classes_) {
    auto& ranges = set.ranges;
    std::sort(ranges.begin(), ranges.end(), [](const Range& a, const Range& b) { return a.low < b.low; });
    std::vector<Range> merged;
    for (const auto& range : ranges) {
      if (!merged.empty() && range.low <= merged.back().high + 1)
        merged.back().high = std::max(merged.back().high, range.high);
      else
        merged.push_back(range);
    }
    ranges = std::move(merged);
    for (std::uint32_t c = 0; c < 128; ++c) {
      bool hit = in_class(set, c) || (flags_.ignore_case && (in_class(set, ascii_lower(c)) || in_class(set, ascii_upper(c))));
      if (hit != set.negated) set.ascii[c / 64] |= std::uint64_t{1} << (c % 64);
    }
  }
}

bool RegexpPattern::consumes(const Instruction& instruction, std::uint32_t point) const {
  switch (instruction.op) {
    case Op::point:
      return (flags_.ignore_case ? ascii_lower(point) : point) == instruction.a;
    case Op::any:
      return !is_line_terminator(point);
    case Op::char_class: {
      const CharClass& set = classes_[instruction.a];
      if (point < 128) return (set.ascii[point / 64] >> (point % 64)) & 1;
      return in_class(set, point) != set.negated;  // case folding is ASCII only
    }
    default:
      return false;
  }
}

bool RegexpPattern::search(std::string_view text) const {
  auto value = decode_utf8(text);
  const std::size_t n = value.size();
  StateSet current(program_.size()), next(program_.size());
  std::vector<std::uint32_t> stack;
  stack.reserve(program_.size());

  // Adds `state` and every state reachable from it without consuming a character at position
  // `at` (assertions judged there) to `set`; true when that reaches the match state.
  auto add = [&](StateSet& set, std::uint32_t state, std::size_t at) {
    std::uint32_t before = at > 0 ? value[at - 1] : 0xFFFFFFFF, after = at < n ? value[at] : 0xFFFFFFFF;
    bool word_before = at > 0 && is_word(before), word_after = at < n && is_word(after);
    stack.push_back(state);
    while (!stack.empty()) {
      std::uint32_t s = stack.back();
      stack.pop_back();
      if (set.contains(s)) continue;
      set.insert(s);
      const Instruction& instruction = program_[s];
      switch (instruction.op) {
        case Op::match: stack.clear(); return true;
        case Op::jump: stack.push_back(instruction.a); break;
        case Op::split:
          stack.push_back(instruction.b);
          stack.push_back(instruction.a);
          break;
        case Op::line_start:
          if (at == 0 || (flags_.multiline && is_line_terminator(before))) stack.push_back(s + 1);
          break;
        case Op::line_end:
          if (at == n || (flags_.multiline && is_line_terminator(after))) stack.push_back(s + 1);
          break;
        case Op::word_boundary:
          if (word_before != word_after) stack.push_back(s + 1);
          break;
        case Op::not_word_boundary:
          if (word_before == word_after) stack.push_back(s + 1);
          break;
        default: break;  // a consuming state waits for the next character
      }
    }
    return false;
  };

  for (std::size_t at = 0;; ++at) {
    if (add(current, 0, at)) return true;  // a match may start at every position (unanchored)
    if (at == n) return false;
    next.clear();
    for (std::size_t i = 0; i < current.size(); ++i) {
      std::uint32_t s = current[i];
      if (consumes(program_[s], value[at]) && add(next, s + 1, at + 1)) return true;
    }
    std::swap(current, next);
  }
}

}  // namespace swapi::server
