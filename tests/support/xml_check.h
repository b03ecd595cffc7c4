#pragma once
// Test support: a strict little XML 1.0 reader, enough to prove a JUnit report is well-formed
// (one root, tags balanced, attributes quoted and unique, only the five predefined entities
// and character references, no raw '<' or '&' in text) and to count its elements. Debian has
// no XML library the tests could rely on, and a report CI dashboards cannot parse is a bug.
#include <map>
#include <string>
#include <vector>

namespace swapi::test {

struct XmlElement {
  std::string name;
  std::map<std::string, std::string> attributes;  // entities decoded
  std::string text;                               // decoded character data directly inside
  std::vector<XmlElement> children;

  std::vector<const XmlElement*> all(const std::string& element_name) const;  // descendants, in order
};

// Throws std::runtime_error naming the offset and the problem when `document` is not well-formed.
XmlElement parse_xml(const std::string& document);

}  // namespace swapi::test
