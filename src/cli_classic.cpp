// `negsim classic`: the classic forecasting models on an actor table
// (docs/CLASSIC.md).
#include <algorithm>
#include <boost/program_options.hpp>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <ostream>

#include "negsim/classic.hpp"
#include "negsim/detail/cli_common.hpp"
#include "negsim/detail/text.hpp"
#include "negsim/scenario_yaml.hpp"

namespace negsim::cli {
namespace {

const std::vector<std::string> kModels{"compromise", "bdm", "smp"};

std::string number(double x) {
  if (std::isnan(x)) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.5g", x);
  return buf;
}

/// A double as Python's repr writes it (shortest round trip, "7.0" for an
/// integer), so that negsim's output diffs cleanly against the peers'.
std::string py(double x) {
  char buf[64];
  const double a = std::abs(x);
  const bool fixed = a == 0 || (a >= 1e-4 && a < 1e16);
  const auto r = std::to_chars(buf, buf + sizeof buf, x,
                               fixed ? std::chars_format::fixed : std::chars_format::scientific);
  std::string s(buf, r.ptr);
  if (fixed && s.find('.') == std::string::npos) s += ".0";
  return s;
}

/// jmckib's layout (bdm_scholz_model.py:310-322): the forecast, then per
/// round each accepted offer and the forecast after it.
void write_bdm_text(std::ostream& out, const classic::ActorTable& t, const classic::BdmResult& r) {
  out << "Median position: " << py(r.initial_median) << "\nMean position: " << py(r.initial_mean)
      << "\n";
  for (const auto& round : r.rounds) {
    out << "\nROUND " << round.round << "\n";
    for (std::size_t i = 0; i < round.actors.size(); ++i) {
      const auto& a = round.actors[i];
      if (!a.accepted) continue;
      const auto& o = *a.accepted;
      out << t.actors[i].name
          << (o.type == classic::BdmOffer::Type::confrontation ? " loses confrontation to "
                                                               : " compromises with ")
          << t.actors[o.from].name << "\n\t" << py(o.eu_ij) << " vs " << py(o.eu_ji)
          << "\n\tnew_pos = " << py(o.position) << "\n";
    }
    out << "\nMedian position: " << py(round.median) << "\nMean position: " << py(round.mean)
        << "\n";
  }
}

}  // namespace

int command_classic(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  po::options_description desc(
      "Usage: negsim classic MODEL FILE [--format text|json|csv] [--set PATH=VALUE ...]\n\n"
      "Runs a classic forecasting model on an actor table: KTAB's CSV, the BDM CSV\n"
      "(Actor,Capability,Position,Salience), decide's #A/#P/#M/#D rows, or a negsim\n"
      "scenario (its agents and issues, each number at its distribution's mean).\n"
      "Models: compromise (per issue, the capability- and salience-weighted mean of\n"
      "the positions; Achen 2006); bdm (Bueno de Mesquita's expected-utility model as\n"
      "Scholz, Calbert & Smith 2011 reproduced it, on one dimension, for --rounds\n"
      "rounds; its text output follows jmckib's program line for line); smp (KTAB's\n"
      "spatial model of politics, deterministic: probabilistic Condorcet elections and\n"
      "S2P2 bargains until the state changes less than 2% of the first step; its text\n"
      "output follows KTAB's log for the stopping rule and the history).\n"
      "docs/CLASSIC.md has the equations.\n\nOptions");
  std::string format;
  desc.add_options()("help,h", "show this help")(
      "model", po::value<std::string>()->value_name("MODEL"), "the model: compromise")(
      "file", po::value<std::string>()->value_name("FILE"), "the actor table or scenario");
  desc.add_options()("rounds,r", po::value<std::string>()->value_name("N")->default_value("10"),
                     "bdm: rounds to run (the model has no stopping rule)")(
      "dimension", po::value<std::string>()->value_name("D"),
      "bdm: the dimension (issue) to run on (default: the first)")(
      "runs,n", po::value<std::string>()->value_name("N"),
      "a scenario: run the model N times over the scenario's distributions and give "
      "each forecast's mean and 90% interval")(
      "seed", po::value<std::string>()->value_name("S"),
      "with --runs: the random seed (default: the scenario's)");
  add_format_option(desc, format, {"text", "json", "csv"}, "text, json or csv");
  add_set_option(desc);
  po::positional_options_description positional;
  positional.add("model", 1).add("file", 1);
  const po::variables_map vm = parse(args, desc, positional);
  if (vm.count("help")) {
    out << desc << "\n";
    return kOk;
  }
  if (!vm.count("model"))
    throw UsageError("missing the MODEL (" + detail::join_alternatives(kModels) + ")");
  const std::string model = vm["model"].as<std::string>();
  if (std::find(kModels.begin(), kModels.end(), model) == kModels.end()) {
    throw UsageError("unknown model \"" + model + "\" (expected " +
                     detail::join_alternatives(kModels) + ")");
  }
  if (!vm.count("file")) throw UsageError("missing the actor table FILE");
  const std::string file = vm["file"].as<std::string>();
  const std::string ext = std::filesystem::path(file).extension().string();
  classic::ActorTable table;
  const bool scenario_file = ext == ".yaml" || ext == ".yml" || ext == ".json";
  if (vm.count("runs") && !scenario_file) {
    throw UsageError("--runs needs a scenario (an actor table's numbers are fixed)");
  }
  if (vm.count("seed") && !vm.count("runs")) throw UsageError("--seed needs --runs");
  const std::uint64_t rounds_opt = parse_count("rounds", vm["rounds"].as<std::string>());
  if (rounds_opt > 100000) {
    throw UsageError("--rounds: at most 100000 (got " + std::to_string(rounds_opt) + ")");
  }
  if (scenario_file) {
    const auto loaded = load_for_command(vm, file, err);
    if (!loaded) return kInvalidInput;
    table = classic::actor_table(loaded->scenario);
    table.file = file;
    if (vm.count("runs")) {
      // Monte Carlo over the scenario's distributions: what none of the
      // peers offers (docs/CLASSIC.md).
      const std::uint64_t runs = parse_count("runs", vm["runs"].as<std::string>());
      if (runs == 0 || runs > 10'000'000) throw UsageError("--runs: in [1, 10000000]");
      const std::uint64_t seed = vm.count("seed")
                                     ? parse_count("seed", vm["seed"].as<std::string>())
                                     : loaded->scenario.seed;
      const int rounds = static_cast<int>(rounds_opt);
      const std::vector<classic::ForecastSummary> f =
          classic::monte_carlo(loaded->scenario, {model}, seed, runs, rounds).front();
      if (format == "json") {
        nlohmann::ordered_json j{{"model", model}, {"file", file}, {"runs", runs}, {"seed", seed}};
        j["forecast"] = nlohmann::ordered_json::object();
        for (std::size_t k = 0; k < table.dimensions.size(); ++k) {
          auto num = [](double x) {
            return std::isnan(x) ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(x);
          };
          j["forecast"][table.dimensions[k]] = {
              {"at_means", num(f[k].at_means)}, {"mean", num(f[k].mean)}, {"q05", num(f[k].q05)},
              {"q50", num(f[k].q50)},           {"q95", num(f[k].q95)},   {"runs", f[k].runs}};
        }
        out << j.dump(2) << "\n";
      } else if (format == "csv") {
        out << "dimension,at_means,mean,q05,q50,q95,runs\n";
        for (std::size_t k = 0; k < table.dimensions.size(); ++k) {
          auto num = [](double x) { return std::isnan(x) ? std::string() : py(x); };
          out << table.dimensions[k] << "," << num(f[k].at_means) << "," << num(f[k].mean) << ","
              << num(f[k].q05) << "," << num(f[k].q50) << "," << num(f[k].q95) << "," << f[k].runs
              << "\n";
        }
      } else {
        out << model << " model on " << file << ": " << runs
            << " runs over its distributions, seed " << seed
            << "\n\n| dimension | at the means | mean | 90% interval |\n|---|---:|---:|---:|\n";
        for (std::size_t k = 0; k < table.dimensions.size(); ++k) {
          out << "| " << table.dimensions[k] << " | " << number(f[k].at_means) << " | "
              << number(f[k].mean) << " | " << number(f[k].q05) << " - " << number(f[k].q95)
              << " |\n";
        }
        out << "\n(-: the model cannot run there: bdm needs three actors or more with "
               "positions that differ and dangers that differ)\n";
      }
      return kOk;
    }
  } else {
    if (vm.count("set")) throw UsageError("--set applies to a scenario, not to an actor table");
    try {
      table = classic::read_actor_table(file);
    } catch (const ScenarioError& e) {
      print_problems(err, e, file);
      return kInvalidInput;
    }
  }
  if (model == "bdm") {
    const std::uint64_t rounds = parse_count("rounds", vm["rounds"].as<std::string>());
    if (rounds > 100000)
      throw UsageError("--rounds: at most 100000 (got " + std::to_string(rounds) + ")");
    std::size_t dim = 0;
    if (vm.count("dimension")) {
      const std::string d = vm["dimension"].as<std::string>();
      const auto it = std::find(table.dimensions.begin(), table.dimensions.end(), d);
      if (it == table.dimensions.end()) {
        throw UsageError("--dimension: unknown dimension \"" + d + "\" (expected " +
                         detail::join_alternatives(table.dimensions) + ")");
      }
      dim = static_cast<std::size_t>(it - table.dimensions.begin());
    }
    classic::BdmResult r;
    try {
      r = classic::bdm(table, static_cast<int>(rounds), dim);
    } catch (const std::invalid_argument& e) {
      err << "negsim classic bdm: " << file << ": " << e.what() << "\n";
      return kInvalidInput;
    }
    if (format == "json") {
      nlohmann::ordered_json j;
      j["model"] = "bdm";
      j["file"] = file;
      j["dimension"] = table.dimensions[dim];
      j["range"] = r.range;
      j["initial"] = {{"median", r.initial_median}, {"mean", r.initial_mean}};
      nlohmann::ordered_json rounds_json = nlohmann::ordered_json::array();
      for (const auto& round : r.rounds) {
        nlohmann::ordered_json actors = nlohmann::ordered_json::array();
        for (std::size_t i = 0; i < round.actors.size(); ++i) {
          const auto& a = round.actors[i];
          nlohmann::ordered_json o{
              {"actor", table.actors[i].name}, {"risk", a.risk}, {"position", a.position_after}};
          if (a.accepted) {
            o["accepted"] = {{"from", table.actors[a.accepted->from].name},
                             {"type", a.accepted->type == classic::BdmOffer::Type::confrontation
                                          ? "confrontation"
                                          : "compromise"},
                             {"eu_ij", a.accepted->eu_ij},
                             {"eu_ji", a.accepted->eu_ji}};
          }
          actors.push_back(o);
        }
        rounds_json.push_back({{"round", round.round},
                               {"median", round.median},
                               {"mean", round.mean},
                               {"actors", actors}});
      }
      j["rounds"] = rounds_json;
      out << j.dump(2) << "\n";
    } else if (format == "csv") {
      out << "round,actor,risk,position,accepted_from,accepted_type\n";
      for (const auto& round : r.rounds) {
        for (std::size_t i = 0; i < round.actors.size(); ++i) {
          const auto& a = round.actors[i];
          out << round.round << "," << table.actors[i].name << "," << py(a.risk) << ","
              << py(a.position_after) << ","
              << (a.accepted ? table.actors[a.accepted->from].name : "") << ","
              << (!a.accepted                                                  ? ""
                  : a.accepted->type == classic::BdmOffer::Type::confrontation ? "confrontation"
                                                                               : "compromise")
              << "\n";
        }
      }
    } else {
      write_bdm_text(out, table, r);
    }
    return kOk;
  }
  if (model == "smp") {
    classic::SmpResult r;
    try {
      r = classic::smp(table);
    } catch (const std::invalid_argument& e) {
      err << "negsim classic smp: " << file << ": " << e.what() << "\n";
      return kInvalidInput;
    }
    if (format == "json") {
      nlohmann::ordered_json j;
      j["model"] = "smp";
      j["file"] = file;
      j["dimensions"] = table.dimensions;
      nlohmann::ordered_json states = nlohmann::ordered_json::array();
      for (std::size_t s = 0; s < r.states.size(); ++s) {
        nlohmann::ordered_json actors = nlohmann::ordered_json::array();
        for (std::size_t i = 0; i < table.actors.size(); ++i) {
          std::vector<double> p;
          for (double x : r.states[s].position[i]) p.push_back(100.0 * x);
          actors.push_back({{"actor", table.actors[i].name},
                            {"position", p},
                            {"risk", r.states[s].risk[i]},
                            {"win", r.states[s].win[i]}});
        }
        nlohmann::ordered_json o{{"state", s}, {"actors", actors}};
        if (s > 0) o["distance"] = r.distance[s - 1], o["ratio"] = r.ratio[s - 1];
        states.push_back(o);
      }
      j["states"] = states;
      out << j.dump(2) << "\n";
    } else if (format == "csv") {
      out << "state,actor";
      for (const auto& d : table.dimensions) out << "," << d;
      out << ",risk,win\n";
      for (std::size_t s = 0; s < r.states.size(); ++s) {
        for (std::size_t i = 0; i < table.actors.size(); ++i) {
          out << s << "," << table.actors[i].name;
          for (double x : r.states[s].position[i]) out << "," << py(100.0 * x);
          out << "," << py(r.states[s].risk[i]) << "," << py(r.states[s].win[i]) << "\n";
        }
      }
    } else {
      // KTAB's lines for the stopping rule (smp.cpp:166-193), then its history.
      char buf[128];
      const double d01 = r.distance.empty() ? 0 : r.distance[0] + 1e-4;
      for (std::size_t t = 0; t < r.ratio.size(); ++t) {
        out << "Starting Model::run iteration " << t + 1 << "\n";
        std::snprintf(buf, sizeof buf, "sDist [ 0, 1] = %.2E\n", d01);
        out << buf;
        std::snprintf(buf, sizeof buf, "sDist [%2zu,%2zu] = %.2E\n", t, t + 1, r.distance[t]);
        out << buf;
        std::snprintf(buf, sizeof buf,
                      "Fractional change compared to first step: %.4f  (target=%.4f)\n", r.ratio[t],
                      0.02);
        out << buf;
      }
      out << "Completed model run\n" << classic::smp_history_text(table, r);
    }
    return kOk;
  }
  const std::vector<double> forecast = classic::compromise(table);
  if (format == "json") {
    nlohmann::ordered_json j;
    j["model"] = model;
    j["file"] = file;
    j["format"] = table.format;
    j["actors"] = table.actors.size();
    nlohmann::ordered_json f = nlohmann::ordered_json::object();
    for (std::size_t k = 0; k < table.dimensions.size(); ++k) {
      f[table.dimensions[k]] = std::isnan(forecast[k]) ? nlohmann::ordered_json(nullptr)
                                                       : nlohmann::ordered_json(forecast[k]);
    }
    j["forecast"] = f;
    out << j.dump(2) << "\n";
  } else if (format == "csv") {
    out << "dimension,forecast\n";
    for (std::size_t k = 0; k < table.dimensions.size(); ++k) {
      out << table.dimensions[k] << "," << (std::isnan(forecast[k]) ? "" : number(forecast[k]))
          << "\n";
    }
  } else {
    out << "compromise model on " << file << " (" << table.format << ", " << table.actors.size()
        << " actors, " << table.dimensions.size() << " dimensions)\n\n"
        << "| dimension | forecast |\n|---|---:|\n";
    for (std::size_t k = 0; k < table.dimensions.size(); ++k) {
      out << "| " << table.dimensions[k] << " | " << number(forecast[k]) << " |\n";
    }
  }
  return kOk;
}

}  // namespace negsim::cli
