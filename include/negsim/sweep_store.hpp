// Sweep results on disk: one SQLite file per shard.
//
// Each point is committed in its own transaction as soon as it finishes, so
// a sweep killed at any moment (Ctrl-C, kill -9, a node lost) keeps every
// finished point, and running the same command again resumes from there.
// The manifest records what was swept (resolved scenario, design, seed, run
// count, shard, negsim version); a file is only ever resumed or merged with
// one of the same manifest.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "negsim/model.hpp"

struct sqlite3;

namespace negsim {

/// A sweep file that cannot be used: unreadable, not a sweep, or of another
/// sweep. The message names the file and what is wrong.
class SweepError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using Manifest = std::map<std::string, std::string>;

/// One design point's results.
struct PointRecord {
  std::uint64_t point = 0;
  std::vector<double> values;  ///< the swept parameters' values (NaN: as in the scenario)
  std::uint64_t runs = 0;
  std::array<std::uint64_t, model::kOutcomes> outcomes{};  ///< in the order of kOutcomeNames
  /// Breakdowns by cause (name, count), in the order of the Catalog's causes.
  std::vector<std::pair<std::string, std::uint64_t>> causes;
  std::string summary;  ///< the point's aggregates as JSON
  bool operator==(const PointRecord&) const = default;
};

class SweepStore {
 public:
  /// Opens `path`, creating it with `manifest` if it does not exist. An
  /// existing file must carry the same manifest (else SweepError naming the
  /// first key that differs). One writer at a time: the store holds an
  /// exclusive lock on `path`.lock while it lives (released by the system
  /// if the process dies), and a second writer gets a SweepError naming the
  /// process that holds it.
  SweepStore(const std::string& path, const Manifest& manifest);
  /// Opens an existing file read-only, whatever its manifest.
  explicit SweepStore(const std::string& path);
  ~SweepStore();
  SweepStore(const SweepStore&) = delete;
  SweepStore& operator=(const SweepStore&) = delete;

  const Manifest& manifest() const { return manifest_; }
  std::set<std::uint64_t> done() const;
  /// Stores one point, durably, in one transaction.
  void put(const PointRecord& record);
  std::vector<PointRecord> all() const;

 private:
  void exec(const char* sql) const;
  std::string path_;
  int lock_fd_ = -1;  ///< the writer's lock file, or -1
  sqlite3* db_ = nullptr;
  Manifest manifest_;
};

}  // namespace negsim
