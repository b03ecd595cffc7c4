#pragma once
// The shapes a check run is printed in (DESIGN.md "`swapi check`"): a table for people, one
// JSON object for scripts, JUnit XML for CI dashboards, TAP 13 for TAP consumers.
#include <iosfwd>
#include <string>

#include <nlohmann/json.hpp>

#include "testkit/check_runner.h"

namespace swapi::testkit {

// case, expected, got, verdict, detail; then one summary line. Colour (ok green, FAIL red)
// only when asked: the caller decides from "is a terminal" and NO_COLOR.
void write_table(std::ostream& out, const CheckRun& run, bool colour);

// "62 passed, 3 failed (65 cases) against URL in 0.42 s"
std::string summary_line(const CheckRun& run);

// Exactly {"target", "passed", "failed", "cases": [{"name", "defect", "expected", "status"
// (null when no answer), "ok", "detail"}]}: the shape scripts rely on.
nlohmann::json report_json(const CheckRun& run);

// One <testsuite> with one <testcase> per case; a wrong case carries <failure message=
// "expected 401, got 200"> with the detail as its text. Everything escaped for XML 1.0.
std::string junit_xml(const CheckRun& run);

// TAP version 13: the plan, "ok N - name" / "not ok N - name" and, for a wrong case, a YAML
// block with defect, expected, got and detail.
std::string tap_text(const CheckRun& run);

}  // namespace swapi::testkit
