#include "testkit/check_report.h"

#include <algorithm>
#include <cstdio>
#include <ostream>

#include "testkit/attack_request.h"
#include "testkit/defect_catalogue.h"

namespace swapi::testkit {

namespace {

using json = nlohmann::json;

std::string got_text(const CaseResult& result) {
  return result.status ? std::to_string(*result.status) : "no answer";
}

std::string seconds(double value, const char* format = "%.3f") {
  char text[32];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

// XML 1.0 text and attribute values: the five markup characters as entities; control
// characters XML cannot carry at all, and bytes outside ASCII (the reports hold only what
// we wrote and sanitised server reasons), as '?'.
std::string xml_escape(std::string_view text) {
  std::string escaped;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '&': escaped += "&amp;"; break;
      case '<': escaped += "&lt;"; break;
      case '>': escaped += "&gt;"; break;
      case '"': escaped += "&quot;"; break;
      case '\'': escaped += "&apos;"; break;
      default:
        if ((u < 0x20 && c != '\t' && c != '\n' && c != '\r') || u >= 0x7f) {
          escaped += '?';
        } else {
          escaped += c;
        }
    }
  }
  return escaped;
}

// A JSON string is a YAML 1.2 flow scalar: TAP's YAML block needs no YAML library.
std::string yaml_string(const std::string& text) { return json(text).dump(-1, ' ', true, json::error_handler_t::replace); }

std::string pad(const std::string& text, std::size_t width) {
  return text.size() >= width ? text : text + std::string(width - text.size(), ' ');
}

}  // namespace

std::string summary_line(const CheckRun& run) {
  return std::to_string(run.passed()) + " passed, " + std::to_string(run.failed()) + " failed (" +
         std::to_string(run.results.size()) + " cases) against " + redacted_url(run.target) + " in " +
         seconds(run.seconds, "%.2f") + " s";
}

void write_table(std::ostream& out, const CheckRun& run, bool colour) {
  const std::string headings[] = {"CASE", "EXPECTED", "GOT", "VERDICT"};
  std::size_t widths[] = {headings[0].size(), headings[1].size(), headings[2].size(), headings[3].size()};
  for (const auto& result : run.results) {
    widths[0] = std::max(widths[0], result.attack.name.size());
    widths[1] = std::max(widths[1], statuses_text(result.attack.expected).size());
    widths[2] = std::max(widths[2], got_text(result).size());
  }
  auto row = [&](const std::string& name, const std::string& expected, const std::string& got,
                 const std::string& verdict, std::string_view verdict_colour, const std::string& detail) {
    out << pad(name, widths[0] + 2) << pad(expected, widths[1] + 2) << pad(got, widths[2] + 2);
    if (!verdict_colour.empty()) {
      out << verdict_colour << verdict << "\033[0m";
    } else {
      out << verdict;
    }
    if (!detail.empty()) out << std::string(widths[3] + 2 - verdict.size(), ' ') << detail;
    out << "\n";
  };
  row(headings[0], headings[1], headings[2], headings[3], {}, "DETAIL");
  for (const auto& result : run.results) {
    std::string_view paint = !colour ? "" : result.ok ? "\033[32m" : "\033[1;31m";
    row(result.attack.name, statuses_text(result.attack.expected), got_text(result), result.ok ? "ok" : "FAIL", paint,
        result.detail);
  }
  out << summary_line(run) << "\n";
}

nlohmann::json report_json(const CheckRun& run) {
  json cases = json::array();
  for (const auto& result : run.results) {
    cases.push_back({{"name", result.attack.name},
                     {"defect", result.attack.defect},
                     {"expected", result.attack.expected},
                     {"status", result.status ? json(*result.status) : json(nullptr)},
                     {"ok", result.ok},
                     {"detail", result.detail}});
  }
  return {{"target", redacted_url(run.target)}, {"passed", run.passed()}, {"failed", run.failed()}, {"cases", cases}};
}

std::string junit_xml(const CheckRun& run) {
  std::string counts = "tests=\"" + std::to_string(run.results.size()) + "\" failures=\"" +
                       std::to_string(run.failed()) + "\" errors=\"0\" time=\"" + seconds(run.seconds) + "\"";
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xml += "<testsuites name=\"swapi check\" " + counts + ">\n";
  xml += "  <testsuite name=\"swapi check " + xml_escape(redacted_url(run.target)) + "\" " + counts + " skipped=\"0\">\n";
  for (const auto& result : run.results) {
    xml += "    <testcase name=\"" + xml_escape(result.attack.name) + "\" classname=\"swapi.check." +
           xml_escape(result.attack.defect) + "\" time=\"" + seconds(result.seconds) + "\"";
    if (result.ok) {
      xml += "/>\n";
      continue;
    }
    std::string message = "expected " + statuses_text(result.attack.expected) + ", got " + got_text(result);
    xml += ">\n      <failure message=\"" + xml_escape(message) + "\" type=\"" + xml_escape(result.attack.defect) +
           "\">" + xml_escape(result.attack.description + "\n" + result.detail) + "</failure>\n    </testcase>\n";
  }
  xml += "  </testsuite>\n</testsuites>\n";
  return xml;
}

std::string tap_text(const CheckRun& run) {
  std::string tap = "TAP version 13\n1.." + std::to_string(run.results.size()) + "\n";
  std::size_t number = 0;
  for (const auto& result : run.results) {
    ++number;
    // '#' would start a TAP directive in the description; names never hold one, but be sure.
    std::string name = result.attack.name;
    std::replace(name.begin(), name.end(), '#', '_');
    tap += (result.ok ? "ok " : "not ok ") + std::to_string(number) + " - " + name + "\n";
    if (result.ok) continue;
    tap += "  ---\n";
    tap += "  defect: " + yaml_string(result.attack.defect) + "\n";
    tap += "  expected: " + json(result.attack.expected).dump() + "\n";
    tap += "  got: " + (result.status ? std::to_string(*result.status) : std::string("null")) + "\n";
    tap += "  detail: " + yaml_string(result.detail) + "\n";
    tap += "  ...\n";
  }
  tap += "# " + std::to_string(run.passed()) + " passed, " + std::to_string(run.failed()) + " failed\n";
  return tap;
}

}  // namespace swapi::testkit
