#pragma once
// The loopback flavor's `regexp` operator: LoopBack's string forms ("^Dar", "/sky/i") of a
// JavaScript regular expression, over a documented subset, matched in time linear in the value.
//
// Why not std::regex: libstdc++'s std::regex runs ECMAScript patterns on a backtracking
// executor, so a hostile pattern such as "(a|a)*b" or "(a+)+b" takes exponential time, and it
// recurses once per matched character, so a long stored value overflows the stack (a crash, not
// an answer). Any client may send a filter and every stored value is searched, so the engine
// here is a Thompson NFA simulated breadth-first (each state at most once per value character):
// a search costs O(n * s) for n value characters and s compiled states, with s at most
// kMaxRegexpStates (and kMaxFilterRegexpStates for a whole filter); there is no input that
// makes it backtrack, recurse or allocate per step.
//
// Supported (JavaScript meaning, non-Unicode mode): literals (UTF-8 code points); "." (any
// character but a line terminator); classes [abc] [^a-z] [\d_], [] and [^]; escapes \d \D \w
// \W \s \S, \t \n \v \f \r \0, \xHH, \uHHHH, \cX, and any other escaped character as itself
// (\. \/ \\); assertions ^ $ \b \B; groups (...), (?:...) and (?<name>...); alternation |;
// quantifiers * + ? {n} {n,} {n,m}, each optionally lazy (a lazy quantifier matches the same
// values: only whether a value matches is asked); flags i (ASCII letters only), m (^ and $
// at line ends) and g (no effect on whether a value matches), as LoopBack allows.
// Refused with a reason (RegexpError): backreferences (\1, \k<name>), lookahead and lookbehind
// ((?=, (?!, (?<=, (?<!), counts above kMaxRegexpCount, patterns longer than kMaxRegexpLength
// code points or compiling to more than kMaxRegexpStates states, and JavaScript's own syntax
// errors ("nothing to repeat", unterminated groups and classes, ranges out of order).
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace swapi::server {

inline constexpr std::size_t kMaxRegexpLength = 256;   // code points of the expression
// Compiled NFA states of one expression, and of all the regexp clauses of one filter together:
// each bounds the work per value character. Measured (one core, -O2): about 4 ns per state
// and character, so the worst expression costs ~1 s per million characters searched, the
// worst filter ~2 s; an ordinary one ("^(Obi|Qui)-", 15 states) ~60 ms.
inline constexpr std::size_t kMaxRegexpStates = 256;
inline constexpr std::size_t kMaxFilterRegexpStates = 512;
inline constexpr int kMaxRegexpCount = 100;            // the largest n, m in {n,m}

struct RegexpError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct RegexpFlags {
  bool ignore_case = false;
  bool multiline = false;
};

class RegexpPattern {
 public:
  // One of LoopBack's string forms (juggler's utils.toRegExp): a string with a '/' followed by
  // at least one character is "/source/flags" (its first character and everything from the
  // last '/' on are the delimiters; flags other than i, g, m are refused); any other string is
  // the source itself, without flags.
  static RegexpPattern from_loopback(std::string_view text);

  RegexpPattern(std::string_view source, RegexpFlags flags);

  // True when the expression matches somewhere in value (RegExp.prototype.test).
  bool search(std::string_view value) const;

  std::size_t states() const noexcept { return program_.size(); }

  struct Range {
    std::uint32_t low, high;
  };
  struct CharClass {
    std::vector<Range> ranges;  // after compiling: sorted, merged, disjoint
    bool negated = false;
    bool not_digit = false, not_word = false, not_space = false;  // \D \W \S inside [...]
    // After compiling: whether each ASCII point is consumed, the flags, the case folding and
    // the negation applied, so that the commonest test is one bit whatever the class holds.
    std::uint64_t ascii[2] = {0, 0};
  };
  struct Instruction {
    enum class Op : std::uint8_t { point, char_class, any, split, jump, line_start, line_end, word_boundary,
                                   not_word_boundary, match };
    Op op = Op::match;
    std::uint32_t a = 0;  // point: the code point; char_class: index in classes_; split/jump: target
    std::uint32_t b = 0;  // split: the second target
  };

 private:
  bool consumes(const Instruction& instruction, std::uint32_t point) const;
  // The class's answer for `point` from its ranges and flags, before the negation.
  bool in_class(const CharClass& set, std::uint32_t point) const;
  // Sorts and merges each class's ranges and fills its ASCII bitmap: a class such as
  // [\s\s\s...] (1,200 ranges as written) costs a bit test, or a binary search for a point
  // above ASCII, per character, as cheap as any other state, so the state caps bound the work.
  void prepare_classes();

  RegexpFlags flags_;
  std::vector<Instruction> program_;
  std::vector<CharClass> classes_;
};

}  // namespace swapi::server
