// negsim sweep and negsim merge, end to end: a point's result is the same
// alone, in a sweep, in any shard and at any thread count; an interrupted
// sweep resumes to exactly the uninterrupted result; bad inputs fail clearly.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "negsim/report.hpp"
#include "negsim/sweep.hpp"
#include "negsim/sweep_store.hpp"
#include "test_util.hpp"

namespace negsim {
namespace {

namespace fs = std::filesystem;

const std::string kTalks = test::kDataDir + "/good/talks.yaml";
const std::string kDesign = test::kDataDir + "/good/lhs-design.yaml";

fs::path fresh(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("negsim-sweep-" + name);
  fs::remove_all(dir);
  return dir;
}

std::vector<PointRecord> records(const fs::path& file) { return SweepStore(file.string()).all(); }

test::CliResult sweep(const fs::path& out, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"sweep", kTalks, "--design", kDesign,     "--runs",
                                "400",   "-q",   "--out",    out.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return test::run_cli(args);
}

TEST(SweepCli, ShardsMergedEqualOneProcessPointForPoint) {
  const fs::path one = fresh("one"), sharded = fresh("sharded");
  ASSERT_EQ(sweep(one, {"--threads", "1"}).code, 0);
  const auto reference = records(one / "sweep.sqlite");
  ASSERT_EQ(reference.size(), 7u);
  for (const char* shard : {"0/3", "1/3", "2/3"}) {
    const auto r = sweep(sharded, {"--shard", shard, "--threads", "2"});
    ASSERT_EQ(r.code, 0) << r.err;
  }
  EXPECT_EQ(records(sharded / "shard-1-of-3.sqlite").size(), 2u);  // points 1 and 4
  const auto merged = test::run_cli({"merge", sharded.string(), "-q"});
  ASSERT_EQ(merged.code, 0) << merged.err;
  EXPECT_EQ(records(sharded / "sweep.sqlite"), reference);
  std::ifstream a(one / "points.csv"), b(sharded / "points.csv");
  std::stringstream sa, sb;
  sa << a.rdbuf();
  sb << b.rdbuf();
  EXPECT_EQ(sa.str(), sb.str());
}

TEST(SweepCli, MergeOfFilesNamedInsideTheSweepDirectory) {
  // `negsim merge shard-0-of-2.sqlite shard-1-of-2.sqlite`, run where the
  // shards are, writes sweep.sqlite beside them.
  const fs::path dir = fresh("merge-here");
  for (const char* shard : {"0/2", "1/2"}) ASSERT_EQ(sweep(dir, {"--shard", shard}).code, 0);
  const fs::path before = fs::current_path();
  fs::current_path(dir);
  const auto merged = test::run_cli({"merge", "shard-0-of-2.sqlite", "shard-1-of-2.sqlite", "-q"});
  fs::current_path(before);
  ASSERT_EQ(merged.code, 0) << merged.err;
  EXPECT_EQ(records(dir / "sweep.sqlite").size(), 7u);
  EXPECT_TRUE(fs::exists(dir / "points.csv"));
}

TEST(SweepCli, ASecondWriterIsRefusedNamingTheFirst) {
  // Two `negsim sweep` on one directory: the second stops before running
  // anything, saying who holds the sweep, and the first is unharmed.
  const fs::path dir = fresh("two-writers");
  ASSERT_EQ(sweep(dir, {"--shard", "0/2"}).code, 0);
  const auto before = records(dir / "shard-0-of-2.sqlite");
  {
    Manifest m = SweepStore((dir / "shard-0-of-2.sqlite").string()).manifest();
    const SweepStore first((dir / "shard-0-of-2.sqlite").string(), m);
    const auto second = sweep(dir, {"--shard", "0/2"});
    EXPECT_EQ(second.code, 1);
    EXPECT_NE(second.err.find("in use by another negsim sweep (process " +
                              std::to_string(::getpid()) + " on "),
              std::string::npos)
        << second.err;
  }
  EXPECT_EQ(records(dir / "shard-0-of-2.sqlite"), before);
  // Once the first is gone, the same command goes on (here: nothing left).
  EXPECT_EQ(sweep(dir, {"--shard", "0/2"}).code, 0);
}

TEST(SweepCli, PointsAreMadeFromTheFileAsFirstRead) {
  // The scenario file is read once: deleting (or editing) it mid-sweep
  // cannot change the points that follow.
  const fs::path dir = fresh("read-once");
  fs::create_directories(dir);
  fs::copy_file(kTalks, dir / "talks.yaml");
  SweepOptions options;
  options.scenario_file = (dir / "talks.yaml").string();
  options.source = read_scenario_source(options.scenario_file);
  options.seed = 7;
  options.runs = 200;
  const Design design = generate(load_design(kDesign));
  fs::remove(dir / "talks.yaml");
  std::vector<std::uint64_t> full_deals;
  ASSERT_TRUE(run_sweep(options, design, shard_points(design, options), {},
                        [&](std::size_t, const model::Negotiation&, const Tally& t) {
                          full_deals.push_back(t.outcomes[0]);
                        }));
  EXPECT_EQ(full_deals.size(), design.points.size());
}

TEST(SweepCli, TheFileSizeLimitHoldsForEveryPoint) {
  // A file above the default 16 MiB limit, allowed with --max-file-mb: the
  // points are read under the same limit as the base scenario.
  const fs::path dir = fresh("big-file");
  fs::create_directories(dir);
  {
    std::ifstream in(kTalks);
    std::ofstream out(dir / "big.yaml");
    out << in.rdbuf();
    const std::string pad = "# " + std::string(1000, 'x') + "\n";
    for (int i = 0; i < 17 * 1050; ++i) out << pad;
  }
  ASSERT_GT(fs::file_size(dir / "big.yaml"), 16u << 20);
  const auto r =
      test::run_cli({"sweep", (dir / "big.yaml").string(), "--design", kDesign, "--runs", "100",
                     "-q", "--out", (dir / "out").string(), "--max-file-mb", "32"});
  EXPECT_EQ(r.code, 0) << r.err;
}

TEST(SweepCli, DryRunChecksThePointsAndNamesTheBadOnes) {
  // Sweeping the horizon below the snapback deadline (29): the error is at
  // the deadline's line, and says which point and values caused it.
  const auto r = test::run_cli({"sweep", kTalks, "--design",
                                "{design: grid, parameters: {rounds.horizon: {values: [10, 40]}}}",
                                "--dry-run", "--out", fresh("dry-bad").string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("agents.guard.snapback.deadline: out of range (got 29, expected a whole "
                       "number in [0, 9]) [design point 0: rounds.horizon=10]"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("design point 1"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("estimate"), std::string::npos) << "nothing is estimated for a bad design";
}

TEST(SweepCli, WholeNumberFieldsTakeContinuousDesignsRounded) {
  // A Latin hypercube over the horizon and a deadline: each point's values
  // are rounded to whole rounds (docs/SWEEPS.md), not refused.
  const fs::path dir = fresh("whole");
  const auto r = test::run_cli(
      {"sweep", kTalks, "--design",
       "{design: lhs, points: 5, seed: 3, parameters: {rounds.horizon: {range: [30, 40]}, "
       "agents.guard.snapback.deadline: {range: [2, 20]}}}",
       "--runs", "50", "-q", "--out", dir.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  SweepOptions options;
  options.source = read_scenario_source(kTalks);
  const Design design = generate(load_design_text(
      "{design: lhs, points: 5, seed: 3, parameters: {rounds.horizon: {range: [30, 40]}, "
      "agents.guard.snapback.deadline: {range: [2, 20]}}}",
      "design"));
  for (std::size_t p = 0; p < design.points.size(); ++p) {
    const Scenario s = point_scenario(options, design, p);
    EXPECT_EQ(s.rounds.horizon, static_cast<int>(std::lround(design.points[p][0])));
    const Param& deadline = s.agents[*s.agent_index("guard")].snapback->deadline;
    EXPECT_EQ(deadline, Param(std::round(design.points[p][1])));
  }
  // An explicit --set of a fraction is still an error: only designs round.
  const auto bad = test::run_cli({"validate", kTalks, "--set", "rounds.horizon=30.5"});
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.err.find("not a whole number"), std::string::npos) << bad.err;
}

TEST(SweepCli, APointAloneGivesTheSameNumbers) {
  const fs::path dir = fresh("alone");
  ASSERT_EQ(sweep(dir).code, 0);
  const auto stored = records(dir / "sweep.sqlite");
  SweepOptions options;
  options.scenario_file = kTalks;
  options.source = read_scenario_source(kTalks);
  options.seed = load_scenario(kTalks).seed;
  const Design design = generate(load_design(kDesign));
  const std::size_t p = 5;
  const Scenario s =
      load_scenario(kTalks, LoadOptions{point_overrides(options, design, p), {}, {}});
  EngineOptions engine;
  engine.seed = options.seed;
  engine.point = p;
  engine.runs = 400;
  const model::Negotiation negotiation(s);
  const Tally alone = simulate(negotiation, engine).tally;
  EXPECT_EQ(stored[p].outcomes, alone.outcomes);
  EXPECT_EQ(stored[p], point_record(negotiation, p, design.points[p], alone));
}

TEST(SweepCli, AnInterruptedSweepResumesToTheSameResult) {
  const fs::path whole = fresh("whole"), broken = fresh("broken");
  ASSERT_EQ(sweep(whole).code, 0);
  // A sweep that dies after storing three points (as a crash would leave it).
  {
    SweepOptions options;
    options.scenario_file = kTalks;
    options.source = read_scenario_source(kTalks);
    options.seed = load_scenario(kTalks).seed;
    options.runs = 400;
    const Design design = generate(load_design(kDesign));
    std::ifstream in(kDesign);
    std::stringstream text;
    text << in.rdbuf();
    Manifest m =
        sweep_manifest(load_scenario(kTalks), kTalks, text.str(), options, design.points.size());
    m["parameters"] = nlohmann::json(design.paths).dump();
    fs::create_directories(broken);
    SweepStore store((broken / "sweep.sqlite").string(), m);
    int stored = 0;
    EXPECT_THROW(run_sweep(options, design, shard_points(design, options), {},
                           [&](std::size_t p, const model::Negotiation& n, const Tally& t) {
                             if (stored == 3) throw std::runtime_error("killed");
                             store.put(point_record(n, p, design.points[p], t));
                             ++stored;
                           }),
                 std::runtime_error);
  }
  EXPECT_EQ(records(broken / "sweep.sqlite").size(), 3u);
  const auto resumed = sweep(broken, {"--threads", "1"});
  ASSERT_EQ(resumed.code, 0) << resumed.err;
  EXPECT_EQ(records(broken / "sweep.sqlite"), records(whole / "sweep.sqlite"));
}

TEST(SweepCli, AReaderOfTheSweepFileDoesNotStopTheSweep) {
  // Someone reads the sweep file while it runs (as with the sqlite3 shell):
  // a read transaction holds its lock for a while; the sweep waits for it.
  const fs::path dir = fresh("watched"), whole = fresh("unwatched");
  ASSERT_EQ(sweep(whole).code, 0);
  ASSERT_EQ(sweep(dir).code, 0);
  const std::string file = (dir / "sweep.sqlite").string();
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "DELETE FROM points WHERE point >= 4", nullptr, nullptr, nullptr),
              SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "BEGIN; SELECT count(*) FROM points;", nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_stmt* read = nullptr;  // a read in progress holds the shared lock
    ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT point FROM points", -1, &read, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_step(read), SQLITE_ROW);
    std::thread release([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      sqlite3_finalize(read);
      sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    });
    const auto resumed = sweep(dir, {"--threads", "1"});
    release.join();
    sqlite3_close(db);
    ASSERT_EQ(resumed.code, 0) << resumed.err;
  }
  EXPECT_EQ(records(dir / "sweep.sqlite"), records(whole / "sweep.sqlite"));
}

TEST(SweepCli, AnotherSweepInTheSameDirectoryIsRefused) {
  const fs::path dir = fresh("clash");
  ASSERT_EQ(sweep(dir).code, 0);
  const auto r = sweep(dir, {"--seed", "5"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("holds another sweep (its seed differs)"), std::string::npos) << r.err;
}

TEST(SweepCli, MergeReportsMissingAndDamagedShards) {
  const fs::path dir = fresh("partial");
  ASSERT_EQ(sweep(dir, {"--shard", "0/2"}).code, 0);
  auto r = test::run_cli({"merge", dir.string(), "-q"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("points are missing"), std::string::npos) << r.err;
  const fs::path junk = dir / "shard-1-of-2.sqlite";
  std::ofstream(junk) << "this is not a database";
  r = test::run_cli({"merge", dir.string(), "-q"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("shard-1-of-2.sqlite"), std::string::npos) << r.err;
  // Truncated: the first kilobytes of a real shard.
  const fs::path good = dir / "shard-0-of-2.sqlite";
  std::ifstream in(good, std::ios::binary);
  std::string bytes(2048, '\0');
  in.read(bytes.data(), 2048);
  std::ofstream(junk, std::ios::binary) << bytes;
  r = test::run_cli({"merge", dir.string(), "-q"});
  EXPECT_EQ(r.code, 1) << r.out;
}

TEST(SweepCli, BadInputsFailBeforeRunning) {
  const fs::path dir = fresh("bad");
  EXPECT_EQ(sweep(dir, {"--shard", "3/3"}).code, 2);
  EXPECT_EQ(sweep(dir, {"--shard", "two"}).code, 2);
  EXPECT_EQ(test::run_cli({"sweep", kTalks, "--design", kDesign, "--precision", "0.01",
                           "--max-runs", "0", "--out", dir.string()})
                .code,
            2);
  auto r = test::run_cli({"sweep", kTalks, "--design", test::kDataDir + "/no-such-design.yaml",
                          "--out", dir.string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("no-such-design.yaml: file does not exist"), std::string::npos) << r.err;
  // A design whose values make an invalid scenario: reported, nothing run.
  const fs::path design = fs::temp_directory_path() / "negsim-bad-design.yaml";
  std::ofstream(design) << "design: grid\nparameters: {agents.west.trust: {values: [0.5, 1.5]}}\n";
  r = test::run_cli({"sweep", kTalks, "--design", design.string(), "--out", dir.string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("(design point 1) agents.west.trust=1.5: agents.west.trust: out of range"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(dir / "sweep.sqlite"));
}

TEST(SweepCli, AnInlineDesignEqualsTheSameDesignInAFile) {
  const fs::path from_file = fresh("from-file"), inline_dir = fresh("inline");
  ASSERT_EQ(sweep(from_file).code, 0);
  const auto r = test::run_cli({"sweep", kTalks, "--runs", "400", "-q", "--out",
                                inline_dir.string(), "--design",
                                "{design: lhs, points: 7, seed: 11, parameters: "
                                "{agents.hawk.strike.base: {range: [0.001, 0.05]}, "
                                "agents.west.trust: {range: [0.1, 0.9]}}}"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(records(inline_dir / "sweep.sqlite"), records(from_file / "sweep.sqlite"));
  const auto bad =
      test::run_cli({"sweep", kTalks, "--out", inline_dir.string(), "--design", "{design: lhs}"});
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.err.find("--design:1:1: missing required field \"points\""), std::string::npos)
      << bad.err;
}

TEST(SweepCli, DryRunCountsPointsRunsAndShards) {
  const auto r = test::run_cli(
      {"sweep", kTalks, "--design", kDesign, "--runs", "1000", "--shard", "1/2", "--dry-run"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("design: lhs, 2 parameters, 7 points"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("shard 1/2: 3 points x 1000 runs = 3000 runs"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("estimate:"), std::string::npos);
}

}  // namespace
}  // namespace negsim
