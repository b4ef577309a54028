#include "negsim/detail/yaml_tree.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <system_error>

namespace negsim::detail {
namespace {

/// Documents counted in a stream before giving up (the "got" of the message).
constexpr std::size_t kMaxDocuments = 1000;

[[noreturn]] void fail(SourceLoc loc, std::string message) {
  throw ScenarioError({Diagnostic{std::move(loc), "", std::move(message)}});
}

/// Builds the tree of a YAML stream's first document straight from the
/// parser's events: every value located, aliases expanded as copies within
/// the node budget, nesting within the depth limit. Later documents are only
/// counted.
class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(std::string origin, const ParseLimits& limits, bool located)
      : origin_(std::move(origin)), limits_(limits), located_(located) {}

  std::size_t documents = 0;
  std::optional<YNode> root;        ///< of the first document
  std::optional<SourceLoc> second;  ///< where the second document's first value is
  YAML::Mark start;                 ///< where the last document started
  bool only_null = true;            ///< the last document holds nothing but a null

  SourceLoc loc_of(const YAML::Mark& m) const {
    if (!located_) return SourceLoc{origin_, 0, 0};
    return SourceLoc{origin_, m.line + 1, m.column + 1};
  }

  void OnDocumentStart(const YAML::Mark& mark) override {
    ++documents;
    start = mark;
    only_null = true;
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (!value_at(mark)) return;
    add(YNode{YNode::Kind::null, "", false, loc_of(mark), {}, {}}, anchor, 1, 0);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    only_null = false;
    if (!value_at(mark)) return;
    // yaml-cpp tags plain scalars "?" and quoted or block scalars "!".
    add(YNode{YNode::Kind::scalar, value, tag == "!", loc_of(mark), {}, {}}, anchor, 1, 0);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    only_null = false;
    if (documents > 1) return;
    const auto found = anchors_.find(anchor);
    if (found == anchors_.end()) {
      fail(loc_of(mark),
           "alias inside the value it refers to (a YAML alias cannot repeat a "
           "value that contains it)");
    }
    const Anchored& a = found->second;
    count(mark, a.nodes, a.height);
    add(a.node, YAML::NullAnchor, a.nodes, a.height);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, YNode::Kind::sequence, anchor);
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, YNode::Kind::map, anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Frame {
    YNode node;
    YAML::anchor_t anchor;
    std::size_t nodes_before;  ///< the count before this collection
    std::optional<YNode> key;  ///< of a map entry whose value is pending
    std::size_t height = 0;    ///< levels below this collection
  };

  /// A value with an anchor, for its aliases to copy.
  struct Anchored {
    YNode node;
    std::size_t nodes;   ///< in the value
    std::size_t height;  ///< levels below its top
  };

  /// Counts a value at `mark`; true when it belongs to the tree (the first
  /// document's).
  bool value_at(const YAML::Mark& mark) {
    if (documents > 1) {
      if (!second) second = loc_of(mark);
      return false;
    }
    count(mark, 1, 0);
    return true;
  }

  /// Counts a value of `n` nodes and `height` levels placed at `mark`.
  void count(const YAML::Mark& mark, std::size_t n, std::size_t height) {
    nodes_ += n;
    if (nodes_ > limits_.max_nodes) {
      fail(loc_of(mark), "document expands to more than " + std::to_string(limits_.max_nodes) +
                             " values (are YAML aliases expanding exponentially?)");
    }
    if (stack_.size() + height > limits_.max_depth) {
      fail(loc_of(mark), "nesting deeper than " + std::to_string(limits_.max_depth) + " levels");
    }
  }

  void open(const YAML::Mark& mark, YNode::Kind kind, YAML::anchor_t anchor) {
    only_null = false;
    const std::size_t before = nodes_;
    if (!value_at(mark)) {
      ++skipped_;
      return;
    }
    stack_.push_back(Frame{YNode{kind, "", false, loc_of(mark), {}, {}}, anchor, before, {}, 0});
  }

  void close() {
    if (skipped_ > 0) {
      --skipped_;
      return;
    }
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    if (frame.node.is_map()) merge_keys(frame.node);
    add(std::move(frame.node), frame.anchor, nodes_ - frame.nodes_before, frame.height);
  }

  /// The YAML merge key (https://yaml.org/type/merge.html): `<<: *base` or
  /// `<<: [*a, *b]` copies the entries of those mappings that the mapping
  /// does not set itself; among the merged, the first listed wins. The
  /// copies keep the locations where they were written.
  static void merge_keys(YNode& map) {
    auto is_merge = [](const YNode& key) {
      return key.is_scalar() && !key.quoted && key.scalar == "<<";
    };
    if (std::none_of(map.entries.begin(), map.entries.end(),
                     [&](const YEntry& e) { return is_merge(e.first); })) {
      return;
    }
    std::vector<YEntry> own, merged;
    for (auto& e : map.entries) {
      if (!is_merge(e.first)) {
        own.push_back(std::move(e));
        continue;
      }
      std::vector<const YNode*> sources;
      if (e.second.is_map()) sources.push_back(&e.second);
      if (e.second.is_sequence()) {
        for (const YNode& item : e.second.items) sources.push_back(&item);
      }
      if (sources.empty() || std::any_of(sources.begin(), sources.end(),
                                         [](const YNode* n) { return !n->is_map(); })) {
        fail(e.second.loc, "the merge key << takes a mapping or a list of mappings (got " +
                               describe(e.second) + ")");
      }
      for (const YNode* source : sources) {
        for (const YEntry& m : source->entries) merged.push_back(m);
      }
    }
    auto has = [](const std::vector<YEntry>& entries, const YNode& key) {
      return key.is_scalar() && std::any_of(entries.begin(), entries.end(), [&](const YEntry& e) {
               return e.first.is_scalar() && e.first.scalar == key.scalar;
             });
    };
    std::vector<YEntry> out = own;
    for (YEntry& m : merged) {
      if (!has(out, m.first)) out.push_back(std::move(m));
    }
    map.entries = std::move(out);
  }

  /// Puts a complete value (of `n` nodes, `height` levels) where it belongs.
  void add(YNode node, YAML::anchor_t anchor, std::size_t n, std::size_t height) {
    if (anchor != YAML::NullAnchor) anchors_.insert_or_assign(anchor, Anchored{node, n, height});
    if (stack_.empty()) {
      root = std::move(node);
      return;
    }
    Frame& parent = stack_.back();
    parent.height = std::max(parent.height, height + 1);
    if (parent.node.is_sequence()) {
      parent.node.items.push_back(std::move(node));
    } else if (!parent.key) {
      parent.key = std::move(node);
    } else {
      parent.node.entries.emplace_back(std::move(*parent.key), std::move(node));
      parent.key.reset();
    }
  }

  std::string origin_;
  ParseLimits limits_;
  bool located_;
  std::size_t nodes_ = 0;
  std::size_t skipped_ = 0;  ///< open collections of later documents
  std::vector<Frame> stack_;
  std::map<YAML::anchor_t, Anchored> anchors_;
};

}  // namespace

const YNode* YNode::find(std::string_view key) const {
  for (const auto& [k, v] : entries) {
    if (k.is_scalar() && k.scalar == key) return &v;
  }
  return nullptr;
}

YNode* YNode::find(std::string_view key) {
  return const_cast<YNode*>(static_cast<const YNode&>(*this).find(key));
}

YNode parse_yaml_text(std::string_view text, const std::string& origin, const ParseLimits& limits,
                      bool located) {
  // YAML text may not hold control characters but tab, LF and CR (YAML 1.2,
  // 5.1); yaml-cpp misreads some (a NUL, say) and can loop forever.
  for (std::size_t i = 0, line = 1, col = 1; i < text.size(); ++i, ++col) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++line;
      col = 0;
    } else if (c == '\r' && (i + 1 == text.size() || text[i + 1] != '\n')) {
      // YAML reads a lone CR as a line break; yaml-cpp reads it as text
      // (misplacing every later line) and can loop forever on it.
      fail(SourceLoc{origin, located ? static_cast<int>(line) : 0,
                     located ? static_cast<int>(col) : 0},
           "malformed YAML: carriage return (0x0D) not followed by a line feed (negsim reads "
           "LF or CRLF line endings; convert the file, e.g. with `tr '\\r' '\\n'`)");
    } else if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7F) {
      char byte[8];
      std::snprintf(byte, sizeof byte, "0x%02X", c);
      fail(SourceLoc{origin, located ? static_cast<int>(line) : 0,
                     located ? static_cast<int>(col) : 0},
           "malformed YAML: control character " + std::string(byte) +
               " (YAML text may not contain it)");
    }
  }
  TreeBuilder builder(origin, limits, located);
  try {
    std::istringstream in{std::string(text)};
    YAML::Parser parser(in);
    std::optional<int> previous;  // where the previous document started
    // Counting stops past kMaxDocuments: one is all a file may hold, and the
    // bound ends any loop of the parser the guard below does not recognise.
    while (builder.documents <= kMaxDocuments && parser.HandleNextDocument(builder)) {
      // yaml-cpp 0.7 cannot place some tokens at document level (a ',' before
      // or after the root value, found by fuzzing the loader): it then reads
      // empty documents at the same place forever. Stop at the token.
      if (previous && *previous == builder.start.pos && builder.only_null) {
        const auto pos = static_cast<std::size_t>(builder.start.pos);
        const char c = pos < text.size() ? text[pos] : ' ';
        SourceLoc loc = builder.loc_of(builder.start);
        if (c == ',') fail(loc, "malformed YAML: ',' outside a flow collection ([...] or {...})");
        fail(loc, std::string("malformed YAML: unexpected '") + c +
                      "' where the YAML parser expects a document");
      }
      previous = builder.start.pos;
    }
  } catch (const YAML::DeepRecursion& e) {
    SourceLoc loc{origin, located ? e.mark.line + 1 : 0, located ? e.mark.column + 1 : 0};
    fail(loc, "nesting too deep for the YAML parser (more than " + std::to_string(e.depth()) +
                  " levels; a scenario needs fewer than " + std::to_string(limits.max_depth) + ")");
  } catch (const YAML::ParserException& e) {
    SourceLoc loc{origin, located ? e.mark.line + 1 : 0, located ? e.mark.column + 1 : 0};
    fail(loc, "malformed YAML: " + e.msg);
  } catch (const YAML::Exception& e) {
    fail(SourceLoc{origin, 0, 0}, std::string("malformed YAML: ") + e.what());
  }
  SourceLoc start{origin, located ? 1 : 0, located ? 1 : 0};
  if (builder.documents == 0 || !builder.root) {
    return YNode{YNode::Kind::null, "", false, start, {}, {}};
  }
  if (builder.documents > 1) {
    const std::string got = builder.documents > kMaxDocuments
                                ? "more than " + std::to_string(kMaxDocuments)
                                : std::to_string(builder.documents);
    fail(builder.second.value_or(start),
         "more than one YAML document (got " + got + ", expected one scenario per file)");
  }
  return std::move(*builder.root);
}

std::string read_text_file(const std::string& path, const ParseLimits& limits) {
  namespace fs = std::filesystem;
  SourceLoc where{path, 0, 0};
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) fail(where, "file does not exist");
  if (fs::is_directory(status)) fail(where, "is a directory, not a scenario file");
  if (!fs::is_regular_file(status)) fail(where, "is not a regular file");
  const auto size = fs::file_size(path, ec);
  if (!ec && size > limits.max_file_bytes) {
    fail(where, "file too large (got " + std::to_string(size) + " bytes, expected at most " +
                    std::to_string(limits.max_file_bytes) + ")");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in)
    fail(where, "cannot be read: " + std::error_code(errno, std::generic_category()).message());
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) fail(where, "read error");
  return buf.str();
}

YNode parse_yaml_file(const std::string& path, const ParseLimits& limits) {
  const std::string text = read_text_file(path, limits);
  YNode root = parse_yaml_text(text, path, limits, true);
  if (root.is_null()) fail(SourceLoc{path, 1, 1}, "file is empty (expected a scenario mapping)");
  return root;
}

std::string describe(const YNode& node) {
  switch (node.kind) {
    case YNode::Kind::null:
      return "nothing";
    case YNode::Kind::sequence:
      return "a list";
    case YNode::Kind::map:
      return "a mapping";
    case YNode::Kind::scalar:
      break;
  }
  std::string text = node.scalar;
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  if (node.quoted) return "\"" + text + "\"";
  return text;
}

}  // namespace negsim::detail
