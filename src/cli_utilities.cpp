// `negsim utilities`: what the numbers on the utility scale mean for each
// agent of a scenario (docs/MODEL.md §1.3, §1.5).
#include <algorithm>
#include <boost/program_options.hpp>
#include <cmath>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>

#include "negsim/detail/cli_common.hpp"
#include "negsim/detail/text.hpp"
#include "negsim/mechanism.hpp"
#include "negsim/scenario_yaml.hpp"

namespace negsim::cli {
namespace {

/// A text to value: its name and its issue values in real units (an issue
/// without one stays at its status quo).
struct Column {
  std::string name;
  std::vector<std::optional<double>> values;
};

/// `--text NAME` (a text of the file's `texts:`) or `--text issue=value,...`.
Column parse_text(const Scenario& s, const std::string& arg) {
  for (const NamedText& t : s.texts) {
    if (t.name == arg) return {"text " + t.name, t.values};
  }
  if (arg.find('=') == std::string::npos) {
    std::vector<std::string> names;
    for (const NamedText& t : s.texts) names.push_back(t.name);
    throw UsageError("--text: unknown text \"" + arg + "\" (expected " +
                     (names.empty()
                          ? std::string("issue=value,... (the file names no texts)")
                          : "one of " + detail::join_alternatives(names) + " or issue=value,...") +
                     ")");
  }
  Column c{"text " + arg, std::vector<std::optional<double>>(s.issues.size())};
  std::stringstream in(arg);
  std::string item;
  while (std::getline(in, item, ',')) {
    const auto eq = item.find('=');
    const std::string issue = item.substr(0, eq);
    const auto k = s.issue_index(issue);
    if (eq == std::string::npos || !k) {
      std::vector<std::string> names;
      for (const Issue& i : s.issues) names.push_back(i.name);
      throw UsageError("--text: unknown issue \"" + issue + "\" in \"" + arg + "\" (expected " +
                       detail::join_alternatives(names) + ")");
    }
    const std::string value = item.substr(eq + 1);
    const Issue& is = s.issues[*k];
    // An issue of levels takes a level's name as well as its index.
    const auto level = std::find(is.levels.begin(), is.levels.end(), value);
    if (level != is.levels.end()) {
      c.values[*k] = static_cast<double>(level - is.levels.begin());
      continue;
    }
    char* end = nullptr;
    const double x = std::strtod(value.c_str(), &end);
    if (value.empty() || *end != '\0' || !std::isfinite(x) || x < is.min || x > is.max) {
      throw UsageError("--text: " + issue + "=" + value + " is not a number in [" +
                       detail::format_number(is.min) + ", " + detail::format_number(is.max) +
                       "] (" + is.unit + ")");
    }
    c.values[*k] = x;
  }
  return c;
}

/// Mean and 5% and 95% quantiles of the values of one cell over the draws.
struct Cell {
  std::vector<double> values;
  double mean() const {
    double total = 0;
    for (double v : values) total += v;
    return values.empty() ? 0 : total / static_cast<double>(values.size());
  }
  double quantile(double q) const {
    std::vector<double> v = values;
    std::sort(v.begin(), v.end());
    const auto i = static_cast<std::size_t>(std::floor(q * static_cast<double>(v.size() - 1)));
    return v[i];
  }
  std::string text() const {
    const double lo = quantile(0.05), hi = quantile(0.95);
    char buf[64];
    if (hi - lo < 5e-4) {
      std::snprintf(buf, sizeof buf, "%.3f", mean());
    } else {
      std::snprintf(buf, sizeof buf, "%.3f [%.3f, %.3f]", mean(), lo, hi);
    }
    return buf;
  }
};

}  // namespace

int command_utilities(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  po::options_description desc(
      "Usage: negsim utilities FILE [--text NAME | --text ISSUE=VALUE,... ...] [--draws N]\n"
      "                        [--seed S] [--set PATH=VALUE ...] [--format text|json]\n\n"
      "Prints what the utility scale means for each agent: its utility of the status\n"
      "quo, of its own ideal (1), of every other agent's ideal (that agent's positions,\n"
      "the status quo where it has none), and of each text given (the file's `texts:`\n"
      "and every --text), and each principal's reservation, as the model computes them\n"
      "at the start of a run. With uncertain parameters each cell is the mean over N\n"
      "draws with the 5% and 95% quantiles.\n\nOptions");
  std::string format;
  add_help_and_file(desc);
  desc.add_options()                                                                    //
      ("text", po::value<std::vector<std::string>>()->value_name("TEXT")->composing(),  //
       "a text to value: a name from the file's texts, or issue=value,... in the "
       "issues' units (repeatable)")                                               //
      ("draws", po::value<std::string>()->value_name("N")->default_value("1000"),  //
       "draws of the uncertain parameters")                                        //
      ("seed", po::value<std::string>()->value_name("S"),                          //
       "random seed (default: the scenario's seed)");
  add_format_option(desc, format, {"text", "json"}, "text for people, json for tools");
  add_set_option(desc);
  const po::variables_map vm = parse_scenario_command(args, desc);
  if (vm.count("help")) {
    out << desc << "\n";
    return kOk;
  }
  if (!vm.count("file")) throw UsageError("missing the scenario FILE");
  const std::uint64_t draws = parse_count("draws", vm["draws"].as<std::string>());
  if (draws == 0 || draws > 10'000'000) throw UsageError("--draws: in [1, 10000000]");
  const std::string file = vm["file"].as<std::string>();
  const auto loaded = load_for_command(vm, file, err);
  if (!loaded) return kInvalidInput;
  const Scenario& s = loaded->scenario;
  const std::uint64_t seed = seed_of(vm, s);

  // Columns: the status quo, each agent's ideal, each text.
  std::vector<Column> columns;
  columns.push_back({"status quo", std::vector<std::optional<double>>(s.issues.size())});
  std::vector<std::size_t> agents;
  for (std::size_t a = 0; a < s.agents.size(); ++a) {
    if (s.agents[a].role != Role::mediator) agents.push_back(a);
  }
  const std::size_t first_ideal = columns.size();
  for (std::size_t a : agents) columns.push_back({s.agents[a].name + "'s ideal", {}});
  for (const NamedText& t : s.texts) columns.push_back({"text " + t.name, t.values});
  if (vm.count("text")) {
    for (const auto& arg : vm["text"].as<std::vector<std::string>>()) {
      columns.push_back(parse_text(s, arg));
    }
  }

  const model::Negotiation negotiation(s);
  const std::size_t n = s.issues.size();
  std::vector<Cell> reservation(s.agents.size());
  std::vector<std::vector<Cell>> cells(s.agents.size(), std::vector<Cell>(columns.size()));
  model::Draw draw;
  model::Talks talks;
  for (std::uint64_t d = 0; d < draws; ++d) {
    negotiation.draw(seed, 0, d, draw);
    model::RunStreams streams(negotiation, seed, 0, d);
    negotiation.opening(draw, streams, talks);
    for (std::size_t a : agents) {
      if (s.agents[a].role == Role::principal)
        reservation[a].values.push_back(talks.reservation[a]);
      for (std::size_t c = 0; c < columns.size(); ++c) {
        model::IssueVec x = negotiation.status_quo();
        if (c >= first_ideal && c < first_ideal + agents.size()) {
          const std::size_t other = agents[c - first_ideal];
          for (std::size_t k = 0; k < n; ++k) {
            if (s.agents[other].ideal[k]) x[k] = talks.base[other][k];
          }
        } else {
          for (std::size_t k = 0; k < n; ++k) {
            if (columns[c].values[k]) x[k] = negotiation.to_unit(k, *columns[c].values[k]);
          }
        }
        cells[a][c].values.push_back(model::utility(talks.own(a), x, n));
      }
    }
  }

  if (format == "json") {
    nlohmann::ordered_json j;
    j["scenario"] = s.name;
    j["seed"] = seed;
    j["draws"] = draws;
    auto stats = [](const Cell& cell) {
      return nlohmann::ordered_json{
          {"mean", cell.mean()}, {"q05", cell.quantile(0.05)}, {"q95", cell.quantile(0.95)}};
    };
    nlohmann::ordered_json list = nlohmann::ordered_json::object();
    for (std::size_t a : agents) {
      nlohmann::ordered_json o;
      o["role"] = to_string(s.agents[a].role);
      if (s.agents[a].role == Role::principal) o["reservation"] = stats(reservation[a]);
      nlohmann::ordered_json of = nlohmann::ordered_json::object();
      for (std::size_t c = 0; c < columns.size(); ++c) of[columns[c].name] = stats(cells[a][c]);
      o["utility"] = of;
      list[s.agents[a].name] = o;
    }
    j["agents"] = list;
    out << j.dump(2) << "\n";
    return kOk;
  }
  out << s.name << ": utilities at the start of a run (" << draws << " draw"
      << (draws == 1 ? "" : "s") << ", seed " << seed << "; mean [5%, 95%])\n\n";
  out << "| agent | reservation |";
  for (const Column& c : columns) out << " " << c.name << " |";
  out << "\n|---|---:|";
  for (std::size_t c = 0; c < columns.size(); ++c) out << "---:|";
  out << "\n";
  for (std::size_t a : agents) {
    out << "| " << s.agents[a].name << " | "
        << (s.agents[a].role == Role::principal ? reservation[a].text() : "-") << " |";
    for (std::size_t c = 0; c < columns.size(); ++c) out << " " << cells[a][c].text() << " |";
    out << "\n";
  }
  out << "\nA principal accepts a text only when its perceived value reaches its aspiration,\n"
         "which starts above the reservation and concedes toward it (docs/MODEL.md §4).\n";
  return kOk;
}

}  // namespace negsim::cli
