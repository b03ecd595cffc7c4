#include "tests/support/xml_check.h"

#include <stdexcept>

namespace swapi::test {

namespace {

class Reader {
 public:
  explicit Reader(const std::string& text) : text_(text) {}

  XmlElement document() {
    skip_space();
    if (starts("<?xml")) skip_past("?>");
    skip_misc();
    XmlElement root = element();
    skip_misc();
    if (at_ < text_.size()) fail("content after the root element");
    return root;
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw std::runtime_error("XML not well-formed at offset " + std::to_string(at_) + ": " + why);
  }
  bool starts(const char* prefix) const { return text_.compare(at_, std::char_traits<char>::length(prefix), prefix) == 0; }
  void skip_space() {
    while (at_ < text_.size() && std::string(" \t\r\n").find(text_[at_]) != std::string::npos) ++at_;
  }
  void skip_past(const char* end) {
    auto found = text_.find(end, at_);
    if (found == std::string::npos) fail(std::string("missing ") + end);
    at_ = found + std::char_traits<char>::length(end);
  }
  void skip_misc() {
    while (true) {
      skip_space();
      if (starts("<!--")) {
        skip_past("-->");
      } else if (starts("<?")) {
        skip_past("?>");
      } else {
        return;
      }
    }
  }
  static bool name_char(char c, bool first) {
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    return letter || (!first && ((c >= '0' && c <= '9') || c == '-' || c == '.'));
  }
  std::string name() {
    std::size_t start = at_;
    while (at_ < text_.size() && name_char(text_[at_], at_ == start)) ++at_;
    if (at_ == start) fail("expected a name");
    return text_.substr(start, at_ - start);
  }
  // Character data up to `stop`, entities decoded; '<' (and in attributes the quote) ends it.
  std::string chars(char stop) {
    std::string value;
    while (at_ < text_.size() && text_[at_] != stop && text_[at_] != '<') {
      char c = text_[at_];
      auto u = static_cast<unsigned char>(c);
      if (u < 0x20 && c != '\t' && c != '\n' && c != '\r') fail("a control character");
      if (c != '&') {
        value += c;
        ++at_;
        continue;
      }
      auto semi = text_.find(';', at_);
      if (semi == std::string::npos) fail("an unterminated entity");
      std::string entity = text_.substr(at_ + 1, semi - at_ - 1);
      static const std::map<std::string, char> named = {{"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}};
      if (auto it = named.find(entity); it != named.end()) {
        value += it->second;
      } else if (entity.size() > 1 && entity[0] == '#') {
        value += '?';  // a character reference; its code point does not matter here
      } else {
        fail("an undefined entity &" + entity + ";");
      }
      at_ = semi + 1;
    }
    return value;
  }
  XmlElement element() {
    if (!starts("<")) fail("expected '<'");
    ++at_;
    XmlElement node;
    node.name = name();
    while (true) {
      skip_space();
      if (starts("/>")) {
        at_ += 2;
        return node;
      }
      if (starts(">")) {
        ++at_;
        break;
      }
      std::string attribute = name();
      skip_space();
      if (!starts("=")) fail("attribute " + attribute + " without '='");
      ++at_;
      skip_space();
      if (at_ >= text_.size() || (text_[at_] != '"' && text_[at_] != '\'')) fail("an unquoted attribute value");
      char quote = text_[at_++];
      std::string value = chars(quote);
      if (at_ >= text_.size() || text_[at_] != quote) fail("'<' inside an attribute value");
      ++at_;
      if (!node.attributes.emplace(attribute, value).second) fail("attribute " + attribute + " twice");
    }
    while (true) {
      node.text += chars('<');
      if (at_ >= text_.size()) fail("element <" + node.name + "> is not closed");
      if (starts("</")) {
        at_ += 2;
        if (name() != node.name) fail("</...> does not close <" + node.name + ">");
        skip_space();
        if (!starts(">")) fail("expected '>'");
        ++at_;
        return node;
      }
      if (starts("<!--")) {
        skip_past("-->");
      } else if (starts("<![CDATA[")) {
        auto end = text_.find("]]>", at_);
        if (end == std::string::npos) fail("an unterminated CDATA section");
        node.text += text_.substr(at_ + 9, end - at_ - 9);
        at_ = end + 3;
      } else {
        node.children.push_back(element());
      }
    }
  }

  const std::string& text_;
  std::size_t at_ = 0;
};

void collect(const XmlElement& node, const std::string& name, std::vector<const XmlElement*>& found) {
  for (const auto& child : node.children) {
    if (child.name == name) found.push_back(&child);
    collect(child, name, found);
  }
}

}  // namespace

std::vector<const XmlElement*> XmlElement::all(const std::string& element_name) const {
  std::vector<const XmlElement*> found;
  collect(*this, element_name, found);
  return found;
}

XmlElement parse_xml(const std::string& document) { return Reader(document).document(); }

}  // namespace swapi::test
