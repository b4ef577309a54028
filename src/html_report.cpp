#include "negsim/html_report.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "negsim/detail/text.hpp"
#include "negsim/model.hpp"
#include "negsim/outputs.hpp"
#include "negsim/version.hpp"

extern char** environ;

namespace negsim {
namespace {

using Json = nlohmann::ordered_json;
using detail::fixed;
using detail::format_number;
using model::kAllOutcomes;

std::string percent(double p) { return fixed(100 * p, 1) + "%"; }

/// Runs a program (no shell), its standard output discarded (and its
/// standard error too when `silent`); returns its exit status, or -1 if it
/// could not be started.
int run_program(const std::vector<std::string>& argv, bool silent = false) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  if (silent) posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return -1;
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/// A Python that can draw: $NEGSIM_PYTHON, python3, or Debian's /usr/bin/python3.
std::optional<std::string> find_python() {
  std::vector<std::string> candidates;
  if (const char* env = std::getenv("NEGSIM_PYTHON")) candidates.emplace_back(env);
  candidates.emplace_back("python3");
  candidates.emplace_back("/usr/bin/python3");
  for (const auto& py : candidates) {
    if (run_program({py, "-c", "import matplotlib, pandas"}, true) == 0) return py;
  }
  return std::nullopt;
}

std::optional<std::string> find_plots() {
  if (const char* env = std::getenv("NEGSIM_PLOTS")) return std::string(env);
  for (const char* dir : kPlotsPaths) {
    if (std::filesystem::is_regular_file(std::filesystem::path(dir) / "outcomes.py"))
      return std::string(dir);
  }
  return std::nullopt;
}

std::string base64(const std::string& bytes) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
  }
  if (i < bytes.size()) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string slurp_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string escape_html(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

/// A table cell that carries its exact value, so tools (and the tests) can
/// check the report against summary.json.
std::string value_cell(const std::string& key, double value, const std::string& shown) {
  return "<td data-key=\"" + key + "\" data-value=\"" + detail::format_number(value) + "\">" +
         shown + "</td>";
}

/// The scores against an observed course (summary.json's `score`, written
/// with --observed; docs/SCORING.md).
std::string score_html(const Json& sc) {
  auto interval = [](const Json& v) {
    return percent(v.value("p", 0.0)) + "</td><td>" + percent(v.value("lo", 0.0)) + " &ndash; " +
           percent(v.value("hi", 0.0));
  };
  auto value = [](const Json& v, bool exact) {
    const Json& x = v["value"];
    if (!x.is_number()) return std::string("-");
    std::string out = fixed(x.get<double>(), 3);
    if (!exact && v["se"].is_number()) out += " &plusmn; " + fixed(v["se"].get<double>(), 3);
    return out;
  };
  const Json& obs = sc["observed"];
  std::string h = "<h2>Against what happened</h2>\n<p>Observed (<code>" +
                  escape_html(sc.value("observed_file", std::string())) + "</code>): <b>" +
                  escape_html(obs.value("outcome", std::string())) + "</b>";
  if (obs.contains("cause")) {
    h += " (" + escape_html(obs.value("cause", std::string())) +
         (obs.contains("agent") ? ", " + escape_html(obs.value("agent", std::string())) : "") + ")";
  }
  h += " in round " + std::to_string(obs.value("round", 0)) + ".</p>\n";
  h += "<table id=\"score-probabilities\"><tr><th>negsim's probability of</th><th>estimate</th>"
       "<th>95% interval</th></tr>\n";
  h += "<tr><td>the observed outcome</td><td>" + interval(sc["p_outcome"]) + "</td></tr>\n";
  h += "<tr><td>the observed outcome by round " + std::to_string(obs.value("round", 0)) +
       "</td><td>" + interval(sc["p_outcome_by_round"]) + "</td></tr>\n";
  if (sc.contains("p_cause")) {
    h += "<tr><td>a breakdown by " + escape_html(obs.value("cause", std::string())) + "</td><td>" +
         interval(sc["p_cause"]) + "</td></tr>\n";
  }
  h += "</table>\n<table id=\"scores\"><tr><th>forecast</th><th>P(observed class)</th>"
       "<th>Brier</th><th>log</th><th>RPS (timing)</th></tr>\n";
  bool first = true;
  for (const Json& f : sc["forecasts"]) {
    h += "<tr><td>" + escape_html(f.value("name", std::string())) + "</td><td>" +
         percent(f.value("p_observed", 0.0)) + "</td><td>" + value(f["brier"], !first) +
         "</td><td>" + value(f["log"], !first) + "</td><td>" + value(f["rps"], !first) +
         "</td></tr>\n";
    first = false;
  }
  h += "</table>\n<p>Lower scores are better. Skill of negsim's forecast, 1 &minus; negsim's "
       "score / the reference's (above 0: negsim did better):</p>\n<table id=\"skill\"><tr>"
       "<th>against</th><th>Brier</th><th>log</th><th>RPS (timing)</th></tr>\n";
  for (const Json& k : sc["skill"]) {
    h += "<tr><td>" + escape_html(k.value("reference", std::string())) + "</td><td>" +
         value(k["brier"], false) + "</td><td>" + value(k["log"], false) + "</td><td>" +
         value(k["rps"], false) + "</td></tr>\n";
  }
  h += "</table>\n";
  if (!sc["events"].empty()) {
    h += "<table id=\"score-events\"><tr><th>observed event</th><th>round</th><th>negsim's "
         "P(by that round)</th><th>95% interval</th></tr>\n";
    for (const Json& e : sc["events"]) {
      h += "<tr><td>" + escape_html(e.value("event", std::string())) +
           (e.contains("agent") ? " (" + escape_html(e.value("agent", std::string())) + ")" : "") +
           "</td><td>" + std::to_string(e.value("round", 0)) + "</td><td>" +
           interval(e["p_by_round"]) + "</td></tr>\n";
    }
    h += "</table>\n";
  }
  return h;
}

/// The calibration section (calibration.json of negsim calibrate).
std::string calibration_html(const Json& c) {
  std::string h = "<h2>Calibration</h2>\n<p>History matching to <code>" +
                  escape_html(c.value("targets_file", std::string())) +
                  "</code>: " + std::to_string(c.value("kept", std::uint64_t{0})) + " of " +
                  std::to_string(c.value("points", std::uint64_t{0})) +
                  " points kept (implausibility at most " + fixed(c.value("cut", 3.0), 1) +
                  " for every target). This report's runs are those of the calibrated "
                  "variant.</p>\n<table id=\"calibration-waves\"><tr><th>wave</th><th>points</th>"
                  "<th>kept</th><th>seconds</th></tr>\n";
  const Json waves = c.value("waves", Json::array());
  const Json parameters = c.value("parameters", Json::object());
  const Json targets = c.value("targets", Json::object());
  for (const auto& w : waves) {
    h += "<tr><td>" + std::to_string(w.value("wave", 0)) + "</td><td>" +
         std::to_string(w.value("points", 0)) + "</td><td>" + std::to_string(w.value("kept", 0)) +
         "</td><td>" + fixed(w.value("seconds", 0.0), 1) + "</td></tr>\n";
  }
  h += "</table>\n<table id=\"calibration-ranges\"><tr><th>parameter</th><th>prior</th><th>kept "
       "range</th><th>kept median</th></tr>\n";
  for (const auto& [path, p] : parameters.items()) {
    const Json prior = p.value("prior", Json::array({0, 0}));
    h += "<tr><td><code>" + escape_html(path) + "</code></td><td>" +
         format_number(prior[0].get<double>()) + " &ndash; " +
         format_number(prior[1].get<double>()) + "</td>";
    if (p.contains("kept")) {
      h += "<td>" + fixed(p["kept"][0].get<double>(), 4) + " &ndash; " +
           fixed(p["kept"][1].get<double>(), 4) + "</td><td>" + fixed(p.value("median", 0.0), 4) +
           "</td></tr>\n";
    } else {
      h += "<td>none kept</td><td>-</td></tr>\n";
    }
  }
  h += "</table>\n<table id=\"calibration-targets\"><tr><th>target</th><th>quantity</th>"
       "<th>wanted</th><th>across the kept points</th><th>source</th></tr>\n";
  for (const auto& [name, t] : targets.items()) {
    const double v = t.value("value", 0.0), tol = t.value("tolerance", 0.0);
    std::string across = "-";
    if (t.contains("kept")) {
      across = fixed(t["kept"].value("min", 0.0), 3) + " &ndash; " +
               fixed(t["kept"].value("max", 0.0), 3) + " (median " +
               fixed(t["kept"].value("median", 0.0), 3) + ")";
    }
    h += "<tr><td>" + escape_html(name) + "</td><td>" +
         escape_html(t.value("quantity", std::string())) + "</td><td>" + format_number(v) +
         (tol > 0 ? " &plusmn; " + format_number(tol) : std::string()) + "</td><td>" + across +
         "</td><td>" + escape_html(t.value("source", std::string())) + "</td></tr>\n";
  }
  h += "</table>\n";
  return h;
}

/// The classic models' forecasts per issue beside negsim's deal terms.
std::string classic_html(const Json& summary) {
  const Json& c = summary["classic_models"];
  std::string h =
      "<h2>What the classic models forecast</h2>\n<p>Each model on the scenario's agents and "
      "issues at the means of their distributions, and the 90% interval over " +
      std::to_string(c.value("draws", std::uint64_t{0})) +
      " draws of them; beside them the median terms of negsim's deals. - : the model cannot run "
      "there.</p>\n<table id=\"classic\"><tr><th>issue</th><th>unit</th><th>status quo</th>";
  for (const auto& m : c["models"]) h += "<th>" + escape_html(m.get<std::string>()) + "</th>";
  h += "<th>full deal</th><th>interim deal</th></tr>\n";
  auto shown = [](const Json& v) {
    return v.is_number() ? detail::short_number(v.get<double>()) : std::string("-");
  };
  for (const auto& [issue, v] : c["issues"].items()) {
    h += "<tr><td>" + escape_html(issue) + "</td><td>" +
         escape_html(v.value("unit", std::string())) + "</td><td>" + shown(v["status_quo"]) +
         "</td>";
    for (const auto& m : c["models"]) {
      const std::string name = m.get<std::string>();
      const Json& f = v[name];
      const std::string at = shown(f["at_means"]);
      h += f["at_means"].is_number()
               ? value_cell("classic_models.issues." + issue + "." + name + ".at_means",
                            f["at_means"].get<double>(), at)
               : "<td>-</td>";
      if (f["q05"].is_number()) {
        h.insert(h.size() - 5, " (" + shown(f["q05"]) + " &ndash; " + shown(f["q95"]) + ")");
      }
    }
    for (const char* kind : {"full_deal", "interim_deal"}) {
      const Json* median = nullptr;
      if (summary.contains("terms") && summary["terms"].contains(kind) &&
          summary["terms"][kind].contains(issue)) {
        median = &summary["terms"][kind][issue]["q50"];
      }
      h += "<td>" + (median ? shown(*median) : std::string("-")) + "</td>";
    }
    h += "</tr>\n";
  }
  return h + "</table>\n";
}

}  // namespace

ReportResult write_report(const std::string& dir_name, bool html) {
  namespace fs = std::filesystem;
  const fs::path dir = dir_name;
  const fs::path summary_path = dir / "summary.json";
  Json summary;
  try {
    summary = Json::parse(slurp_file(summary_path));
  } catch (const Json::exception& e) {
    throw std::runtime_error(summary_path.string() + ": not a negsim summary (" + e.what() + ")");
  }
  if (!summary.contains("outcomes") || !summary.contains("provenance")) {
    throw std::runtime_error(summary_path.string() +
                             ": not a negsim summary (no outcomes or provenance)");
  }
  const bool have_runs = fs::is_regular_file(dir / "runs.csv");

  // The plots, each by its script; what cannot be drawn is said plainly.
  struct PlotJob {
    std::string name, script;
    std::vector<std::string> args;
    std::string caption;
    bool needs_runs;
  };
  const std::string sp = summary_path.string(), rp = (dir / "runs.csv").string();
  std::vector<PlotJob> jobs{
      {"outcomes", "outcomes.py", {sp}, "Outcome probabilities with 95% intervals", false},
      {"incidence", "incidence.py", {sp}, "Cumulative incidence of each outcome", false},
      {"terms", "terms.py",
       have_runs ? std::vector<std::string>{sp, "--runs", rp} : std::vector<std::string>{sp},
       "Deal terms per issue", false},
      {"convergence",
       "convergence.py",
       {rp},
       "Convergence of the estimates with the number of runs",
       true},
  };
  // A calibration's directory (negsim calibrate) also has its region.
  const bool calibration =
      fs::is_regular_file(dir / "calibration.json") && fs::is_regular_file(dir / "points.csv");
  if (calibration) {
    jobs.push_back({"calibration",
                    "calibration.py",
                    {(dir / "points.csv").string(), (dir / "calibration.json").string()},
                    "Calibration: the points kept and ruled out, by pairs of free parameters",
                    false});
  }
  ReportResult result;
  const auto python = find_python();
  const auto plots_dir = find_plots();
  std::vector<std::pair<std::string, std::string>> drawn;  // (name, caption)
  fs::create_directories(dir / "plots");
  for (const auto& job : jobs) {
    if (job.needs_runs && !have_runs) {
      result.skipped.push_back(job.name + ": needs runs.csv (run with --runs-csv)");
      continue;
    }
    if (!python) {
      result.skipped.push_back(job.name +
                               ": no Python 3 with matplotlib and pandas (apt-get install "
                               "python3-matplotlib python3-pandas)");
      continue;
    }
    if (!plots_dir) {
      result.skipped.push_back(job.name +
                               ": the plot scripts are not installed (set NEGSIM_PLOTS)");
      continue;
    }
    std::vector<std::string> argv{*python, (fs::path(*plots_dir) / job.script).string()};
    argv.insert(argv.end(), job.args.begin(), job.args.end());
    argv.push_back("--out");
    argv.push_back((dir / "plots" / job.name).string());
    if (run_program(argv) != 0) {
      result.skipped.push_back(job.name + ": " + job.script + " failed (its message is above)");
      continue;
    }
    result.plots.push_back("plots/" + job.name + ".png");
    result.plots.push_back("plots/" + job.name + ".svg");
    drawn.emplace_back(job.name, job.caption);
  }

  // report.md: the run's report, with a plots section (replaced on each call).
  const fs::path md_path = dir / "report.md";
  const std::string marker = "\n<!-- negsim report: plots -->\n";
  std::string md =
      fs::exists(md_path)
          ? slurp_file(md_path)
          : "# " + summary["provenance"].value("scenario", std::string("negsim report")) + "\n";
  if (const auto at = md.find(marker); at != std::string::npos) md.erase(at);
  md += marker + "\n## Plots\n\n";
  for (const auto& [name, caption] : drawn) md += "![" + caption + "](plots/" + name + ".png)\n\n";
  for (const auto& s : result.skipped) md += "- skipped " + s + "\n";
  write_atomically(md_path.string(), md);

  if (!html) return result;
  const Json& prov = summary["provenance"];
  const std::uint64_t runs = prov.value("runs", std::uint64_t{0});
  std::string h = R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>)" + escape_html(prov.value("scenario", std::string("negsim report"))) +
                  R"(</title>
<style>
body{font-family:system-ui,-apple-system,"DejaVu Sans",sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5em 0}td,th{padding:.3em .8em;border-bottom:1px solid #eee;text-align:right}
td:first-child,th:first-child{text-align:left}figure{margin:1em 0}img{max-width:100%}
figcaption{color:#555;font-size:.9em}.provenance{font-size:.85em;color:#444}.skipped{color:#8a4b00}
</style></head><body>
)";
  h += "<h1>" + escape_html(prov.value("scenario", std::string())) + "</h1>\n";
  h += "<p>" + std::to_string(runs) + " simulated negotiations, seed " +
       std::to_string(prov.value("seed", std::uint64_t{0})) +
       ". Intervals are 95% Wilson score intervals.</p>\n";
  h += "<h2>Outcomes</h2>\n<table id=\"headline\"><tr><th>outcome</th><th>probability</th><th>95% "
       "interval</th><th>runs</th></tr>\n";
  for (model::Outcome o : kAllOutcomes) {
    const std::string k = model::to_string(o);
    const Json& v = summary["outcomes"][k];
    const double p = v.value("p", 0.0), lo = v.value("lo", 0.0), hi = v.value("hi", 0.0);
    h += "<tr><td>" + k + "</td>" + value_cell("outcomes." + k + ".p", p, percent(p)) + "<td>" +
         percent(lo) + " &ndash; " + percent(hi) + "</td>" +
         value_cell("outcomes." + k + ".count", v.value("count", 0.0),
                    std::to_string(v.value("count", std::uint64_t{0}))) +
         "</tr>\n";
  }
  h += "</table>\n";
  for (const auto& [name, caption] : drawn) {
    if (name != "outcomes") continue;
    h += "<figure><img alt=\"" + escape_html(caption) + "\" src=\"data:image/png;base64," +
         base64(slurp_file(dir / "plots" / (name + ".png"))) + "\"><figcaption>" +
         escape_html(caption) + "</figcaption></figure>\n";
  }
  // Older summaries (before stepping stones) have no deal paths.
  if (summary.contains("deal_paths") &&
      summary["deal_paths"].value("interim", "") == "stepping_stone") {
    const Json& dp = summary["deal_paths"];
    h += "<h2>Interim deals as stepping stones</h2>\n<table id=\"deal-paths\"><tr><th>path</th>"
         "<th>probability</th><th>95% interval</th><th>runs</th></tr>\n";
    for (const auto& [key, label] : {std::pair{"full_direct", "full deal, directly"},
                                     {"full_via_interim", "full deal, through an interim deal"},
                                     {"interim_held", "interim deal, holding at the horizon"},
                                     {"interim_broken", "interim deal, broken"}}) {
      const Json& v = dp[key];
      const double p = v.value("p", 0.0);
      h += std::string("<tr><td>") + label + "</td>" +
           value_cell(std::string("deal_paths.") + key + ".p", p, percent(p)) + "<td>" +
           percent(v.value("lo", 0.0)) + " &ndash; " + percent(v.value("hi", 0.0)) + "</td><td>" +
           std::to_string(v.value("count", std::uint64_t{0})) + "</td></tr>\n";
    }
    h += "</table>\n";
  }
  if (summary.contains("score")) h += score_html(summary["score"]);
  if (calibration) h += calibration_html(Json::parse(slurp_file(dir / "calibration.json")));
  h += "<h2>Why talks broke down</h2>\n<table id=\"causes\"><tr><th>cause</th><th>share of all "
       "runs</th><th>95% interval</th><th>share of breakdowns</th></tr>\n";
  for (const auto& [cause, v] : summary["breakdown_causes"].items()) {
    const double p = v.value("p", 0.0);
    const auto& share = v["share_of_breakdowns"];
    h += "<tr><td>" + cause + "</td>" +
         value_cell("breakdown_causes." + cause + ".p", p, percent(p)) + "<td>" +
         percent(v.value("lo", 0.0)) + " &ndash; " + percent(v.value("hi", 0.0)) + "</td><td>" +
         (share.is_number() ? percent(share.get<double>()) : std::string("-")) + "</td></tr>\n";
  }
  h += "</table>\n";
  // Older summaries (before holdouts were recorded) have no such section.
  if (summary.contains("holdouts") && summary["holdouts"].value("runs_without_deal", 0) > 0) {
    const Json& ho = summary["holdouts"];
    h += "<h2>Who blocked the deal</h2>\n<p>In the " +
         std::to_string(ho.value("runs_without_deal", std::uint64_t{0})) +
         " runs without a deal: the principals that did not accept the text closest to "
         "acceptance in the last round.</p>\n<table id=\"holdouts\"><tr><th>principal</th><th>held "
         "out</th><th>95% interval</th><th>alone</th><th>mean shortfall</th><th>red lines "
         "crossed</th></tr>\n";
    for (const auto& [name, v] : ho["agents"].items()) {
      const double p = v.value("p", 0.0);
      std::string lines;
      for (const auto& [issue, n] : v["red_lines"].items()) {
        lines += (lines.empty() ? "" : ", ") + escape_html(issue) + " (" +
                 std::to_string(n.get<std::uint64_t>()) + ")";
      }
      const auto& gap = v["mean_gap"];
      h += "<tr><td>" + escape_html(name) + "</td>" +
           value_cell("holdouts.agents." + name + ".p", p, percent(p)) + "<td>" +
           percent(v.value("lo", 0.0)) + " &ndash; " + percent(v.value("hi", 0.0)) + "</td><td>" +
           std::to_string(v.value("alone", std::uint64_t{0})) + "</td><td>" +
           (gap.is_number() ? fixed(gap.get<double>(), 3) : std::string("-")) + "</td><td>" +
           (lines.empty() ? std::string("-") : lines) + "</td></tr>\n";
    }
    h += "</table>\n";
  }
  // Older summaries (before the classic models joined the report) have none.
  if (summary.contains("classic_models")) h += classic_html(summary);
  h += "<h2>Plots</h2>\n";
  for (const auto& [name, caption] : drawn) {
    if (name == "outcomes") continue;
    h += "<figure><img alt=\"" + escape_html(caption) + "\" src=\"data:image/png;base64," +
         base64(slurp_file(dir / "plots" / (name + ".png"))) + "\"><figcaption>" +
         escape_html(caption) + "</figcaption></figure>\n";
  }
  for (const auto& s : result.skipped)
    h += "<p class=\"skipped\">Skipped " + escape_html(s) + "</p>\n";
  h += "<h2>Provenance</h2>\n<ul class=\"provenance\">\n";
  h += "<li>negsim " + escape_html(summary.value("negsim", std::string())) + "</li>\n";
  h += "<li>scenario <code>" + escape_html(prov.value("scenario_file", std::string())) +
       "</code>, sha1 <code>" + escape_html(prov.value("scenario_sha1", std::string())) +
       "</code> (resolved <code>" + escape_html(prov.value("resolved_sha1", std::string())) +
       "</code>)</li>\n";
  for (const auto& o : prov.value("overrides", Json::array())) {
    h += "<li>override <code>--set " + escape_html(o.get<std::string>()) + "</code></li>\n";
  }
  h += "<li>seed " + std::to_string(prov.value("seed", std::uint64_t{0})) + ", " +
       std::to_string(runs) + " runs, " + std::to_string(prov.value("threads", 0)) + " threads, " +
       fixed(prov.value("wall_seconds", 0.0), 2) + " s</li>\n<li>date " +
       escape_html(prov.value("date", std::string())) + "</li>\n</ul>\n</body></html>\n";
  write_atomically((dir / "report.html").string(), h);
  return result;
}

}  // namespace negsim
