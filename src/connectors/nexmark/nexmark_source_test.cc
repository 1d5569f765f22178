// The nexmark source's events, checked against the model's rules as stated
// in docs/nexmark.md (type pattern, id sequences, reference ranges, hot
// shares, event times, sizes, vocabularies), worked out here from those
// rules, never by calling the generator's own helpers; and the source's
// offsets, partitions, determinism and scans.
#include "connectors/nexmark/nexmark_source.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "env/mem_env.h"
#include "exec/function_registry.h"

namespace sluice {
namespace {

struct Event {
  int type = -1;
  // person / auction id, or the bid's auction
  int64_t id = 0;
  int64_t ref = 0;  // auction: seller; bid: bidder
  int64_t price = 0;
  int64_t time_us = 0;
  int64_t expires_us = 0;
  int64_t category = 0;
  std::string channel, url, city, state, card, name, email, extra, item, desc;
  bool operator==(const Event& o) const {
    return type == o.type && id == o.id && ref == o.ref && price == o.price && time_us == o.time_us &&
           expires_us == o.expires_us && channel == o.channel && url == o.url && extra == o.extra && name == o.name;
  }
};

std::shared_ptr<NexmarkSource> MakeSource(std::map<std::string, std::string> options) {
  auto s = NexmarkSource::Make(SourceOptions(options));
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? *s : nullptr;
}

// The events of (from, to] of a source, partition by partition in order.
std::vector<Event> Read(NexmarkSource& src, int64_t from, int64_t to, int* partitions = nullptr) {
  std::vector<Event> out;
  auto batch = src.GetBatch(from == 0 ? std::nullopt : std::optional<std::string>(std::to_string(from)),
                            std::to_string(to));
  EXPECT_TRUE(batch.ok()) << batch.status().ToString();
  if (!batch.ok()) return out;
  EXPECT_EQ(batch->num_rows, to - from);
  auto scan = batch->table->CreateScan({0, 1, 2, 3}, nullptr);
  EXPECT_TRUE(scan.ok()) << scan.status().ToString();
  if (!scan.ok()) return out;
  if (partitions) *partitions = (*scan)->num_partitions();
  ExecContext ctx;
  for (int p = 0; p < (*scan)->num_partitions(); ++p) {
    auto batches = CollectPartition(**scan, p, &ctx);
    EXPECT_TRUE(batches.ok()) << batches.status().ToString();
    if (!batches.ok()) return out;
    for (const Batch& b : *batches) {
      EXPECT_LE(b.num_rows, kBatchSize);
      for (size_t i = 0; i < b.num_rows; ++i) {
        Event e;
        e.type = b.columns[0].data<int32_t>()[i];
        // Exactly the struct of the event's type is set.
        for (int s = 0; s < 3; ++s) EXPECT_EQ(b.columns[static_cast<size_t>(1 + s)].IsNull(i), s != e.type);
        const Vector& v = b.columns[static_cast<size_t>(1 + e.type)];
        auto str = [&](size_t f) { return std::string(v.child(f).GetString(i)); };
        auto num = [&](size_t f) { return v.child(f).data<int64_t>()[i]; };
        if (e.type == 0) {
          e.id = num(0), e.name = str(1), e.email = str(2), e.card = str(3), e.city = str(4), e.state = str(5);
          e.time_us = num(6), e.extra = str(7);
        } else if (e.type == 1) {
          e.id = num(0), e.item = str(1), e.desc = str(2), e.price = num(3), e.time_us = num(5);
          e.expires_us = num(6), e.ref = num(7), e.category = num(8), e.extra = str(9);
          EXPECT_GT(num(4), num(3)) << "reserve above the initial bid";
        } else {
          e.id = num(0), e.ref = num(1), e.price = num(2), e.channel = str(3), e.url = str(4), e.time_us = num(5);
          e.extra = str(6);
        }
        out.push_back(std::move(e));
      }
    }
  }
  return out;
}

constexpr int64_t kBaseUs = int64_t{1767225600000} * 1000;  // 2026-01-01 00:00:00 UTC

TEST(NexmarkSourceTest, TypesFollowTheOneThreeFortySixPattern) {
  auto src = MakeSource({{"numEvents", "50000"}});
  auto events = Read(*src, 0, 50000);
  ASSERT_EQ(events.size(), 50000u);
  for (size_t n = 0; n < events.size(); ++n) {
    int64_t k = static_cast<int64_t>(n % 50);
    int want = k == 0 ? 0 : k <= 3 ? 1 : 2;
    ASSERT_EQ(events[n].type, want) << "event " << n;
  }
}

TEST(NexmarkSourceTest, IdsAndReferencesStayInTheirRanges) {
  auto src = MakeSource({{"numEvents", "200000"}, {"seed", "7"}});
  auto events = Read(*src, 0, 200000);
  int64_t next_person = 1000, next_auction = 1000;
  int64_t hot_auction = 0, hot_bidder = 0, hot_seller = 0, bids = 0, auctions = 0;
  for (const Event& e : events) {
    if (e.type == 0) {
      ASSERT_EQ(e.id, next_person++);
    } else if (e.type == 1) {
      ASSERT_EQ(e.id, next_auction++);
      int64_t last_person = next_person - 1;
      // A seller is the hot one (first of the last block of 100 people) or
      // one of the last 1000 people, or up to 10 ahead.
      int64_t hot = 1000 + ((last_person - 1000) / 100) * 100;
      bool in_window = e.ref >= std::max<int64_t>(1000, last_person - 999) && e.ref <= last_person + 10;
      ASSERT_TRUE(e.ref == hot || in_window) << e.ref << " last person " << last_person;
      hot_seller += e.ref == hot;
      ++auctions;
      ASSERT_GE(e.category, 10);
      ASSERT_LE(e.category, 14);
      ASSERT_GT(e.expires_us, e.time_us);
    } else {
      int64_t last_auction = next_auction - 1, last_person = next_person - 1;
      int64_t hot_a = 1000 + ((last_auction - 1000) / 100) * 100;
      ASSERT_TRUE(e.id == hot_a ||
                  (e.id >= std::max<int64_t>(1000, last_auction - 100) && e.id <= last_auction + 10))
          << e.id << " last auction " << last_auction;
      int64_t hot_b = 1000 + ((last_person - 1000) / 100) * 100 + 1;
      ASSERT_TRUE(e.ref == hot_b ||
                  (e.ref >= std::max<int64_t>(1000, last_person - 999) && e.ref <= last_person + 10))
          << e.ref << " last person " << last_person;
      hot_auction += e.id == hot_a;
      hot_bidder += e.ref == hot_b;
      ++bids;
      ASSERT_GT(e.price, 0);
    }
  }
  // Hot shares: 1 - 1/2 of bids to the hot auction, 1 - 1/4 of bids by the
  // hot bidder and of auctions by the hot seller, plus the cold draws that
  // land on them (a few percent at most).
  double a = static_cast<double>(hot_auction) / static_cast<double>(bids);
  double b = static_cast<double>(hot_bidder) / static_cast<double>(bids);
  double s = static_cast<double>(hot_seller) / static_cast<double>(auctions);
  EXPECT_GT(a, 0.49);
  EXPECT_LT(a, 0.56);
  EXPECT_GT(b, 0.74);
  EXPECT_LT(b, 0.78);
  EXPECT_GT(s, 0.72);
  EXPECT_LT(s, 0.78);
}

TEST(NexmarkSourceTest, EventTimeAdvancesByTheInterEventDelay) {
  // 1000 events per second: event n at base + n ms.
  auto src = MakeSource({{"numEvents", "5000"}, {"eventsPerSecond", "1000"}});
  auto events = Read(*src, 0, 5000);
  for (size_t n = 0; n < events.size(); ++n) ASSERT_EQ(events[n].time_us, kBaseUs + static_cast<int64_t>(n) * 1000);
  // 3 per second, from another base: floor(n * 1000 / 3) ms.
  auto slow = MakeSource({{"numEvents", "100"}, {"eventsPerSecond", "3"}, {"baseTime", "2024-02-29 12:00:00"}});
  auto s = Read(*slow, 0, 100);
  int64_t base = int64_t{1709208000000} * 1000;
  for (size_t n = 0; n < s.size(); ++n) ASSERT_EQ(s[n].time_us, base + static_cast<int64_t>(n) * 1000 / 3 * 1000);
  // 0: as at 10,000 per second; in order, so never decreasing.
  auto fast = MakeSource({{"numEvents", "30000"}});
  auto f = Read(*fast, 0, 30000);
  for (size_t n = 0; n < f.size(); ++n) {
    ASSERT_EQ(f[n].time_us, kBaseUs + static_cast<int64_t>(n) / 10 * 1000);
    if (n > 0) {
      ASSERT_GE(f[n].time_us, f[n - 1].time_us);
    }
  }
}

TEST(NexmarkSourceTest, OutOfOrderGroupsShuffleWithinAGroupOnly) {
  auto ordered = MakeSource({{"numEvents", "10050"}, {"eventsPerSecond", "1000"}});
  auto shuffled = MakeSource({{"numEvents", "10050"}, {"eventsPerSecond", "1000"}, {"outOfOrderGroupSize", "100"}});
  auto a = Read(*ordered, 0, 10050), b = Read(*shuffled, 0, 10050);
  ASSERT_EQ(a.size(), b.size());
  bool any_backwards = false;
  for (size_t g = 0; g < a.size(); g += 100) {
    size_t end = std::min(a.size(), g + 100);
    std::multiset<int64_t> ta, tb;
    std::set<std::pair<int, int64_t>> ia, ib;
    for (size_t i = g; i < end; ++i) {
      ta.insert(a[i].time_us), tb.insert(b[i].time_us);
      if (a[i].type != 2) ia.insert({a[i].type, a[i].id});
      if (b[i].type != 2) ib.insert({b[i].type, b[i].id});
      if (i > g && b[i].time_us < b[i - 1].time_us) {
        any_backwards = true;
      }
      // Every event time stays inside its group's span.
      ASSERT_GE(b[i].time_us, kBaseUs + static_cast<int64_t>(g) * 1000);
      ASSERT_LT(b[i].time_us, kBaseUs + static_cast<int64_t>(g + 100) * 1000);
    }
    ASSERT_EQ(ta, tb) << "group at " << g;
    ASSERT_EQ(ia, ib) << "people and auctions of the group at " << g;
  }
  EXPECT_TRUE(any_backwards);
  // The last, partial group (10000..10049) stays in order.
  for (size_t i = 10000; i < b.size(); ++i) ASSERT_EQ(b[i].time_us, kBaseUs + static_cast<int64_t>(i) * 1000);
  // A multiple of 953 would not be a permutation: refused.
  auto bad = NexmarkSource::Make(SourceOptions(std::map<std::string, std::string>{{"outOfOrderGroupSize", "1906"}}));
  EXPECT_FALSE(bad.ok());
}

TEST(NexmarkSourceTest, SameSeedSameEventsAnyRangeAnyPartitions) {
  auto one = MakeSource({{"numEvents", "30000"}, {"seed", "42"}});
  auto all = Read(*one, 0, 30000);
  // Any sub-range alone is the same slice.
  auto mid = Read(*one, 12345, 23456);
  ASSERT_EQ(mid.size(), 23456u - 12345u);
  for (size_t i = 0; i < mid.size(); ++i) ASSERT_EQ(mid[i], all[12345 + i]) << i;
  // Partitions: contiguous ranges which together hold every event once, in order.
  auto parted = MakeSource({{"numEvents", "30000"}, {"seed", "42"}, {"numPartitions", "7"}});
  int parts = 0;
  auto p = Read(*parted, 0, 30000, &parts);
  EXPECT_EQ(parts, 7);
  ASSERT_EQ(p.size(), all.size());
  for (size_t i = 0; i < p.size(); ++i) ASSERT_EQ(p[i], all[i]) << i;
  // Another seed, other events (same types and ids: those follow from the event number).
  auto other = MakeSource({{"numEvents", "30000"}, {"seed", "43"}});
  auto o = Read(*other, 0, 30000);
  size_t same_price = 0, bids = 0;
  for (size_t i = 0; i < o.size(); ++i) {
    ASSERT_EQ(o[i].type, all[i].type);
    if (o[i].type == 2) {
      ++bids;
      same_price += o[i].price == all[i].price;
    }
  }
  EXPECT_LT(same_price, bids / 100);
}

TEST(NexmarkSourceTest, SizesAndVocabularies) {
  auto src = MakeSource({{"numEvents", "100000"}});
  auto events = Read(*src, 0, 100000);
  const std::set<std::string> cities = {"Phoenix", "Los Angeles", "San Francisco", "Boise", "Portland",
                                        "Bend",    "Redmond",     "Seattle",       "Kent",  "Cheyenne"};
  const std::set<std::string> states = {"AZ", "CA", "ID", "OR", "WA", "WY"};
  const std::set<std::string> hot = {"Google", "Facebook", "Baidu", "Apple"};
  double size[3] = {0, 0, 0};
  int64_t count[3] = {0, 0, 0}, hot_bids = 0;
  std::map<std::string, std::set<std::string>> urls_of_hot;
  for (const Event& e : events) {
    double bytes = 0;
    if (e.type == 0) {
      ASSERT_TRUE(cities.count(e.city)) << e.city;
      ASSERT_TRUE(states.count(e.state)) << e.state;
      ASSERT_EQ(e.card.size(), 19u);
      ASSERT_NE(e.email.find('@'), std::string::npos);
      ASSERT_NE(e.name.find(' '), std::string::npos);
      // Beam's count: 8 per number (id, dateTime), the strings' bytes.
      bytes = 16.0 + static_cast<double>(e.name.size() + e.email.size() + e.card.size() + e.city.size() +
                                         e.state.size() + e.extra.size());
    } else if (e.type == 1) {
      // id, initialBid, reserve, dateTime, expires, seller: 8 each.
      bytes = 48.0 + static_cast<double>(e.item.size() + e.desc.size() + e.extra.size());
    } else {
      // auction, bidder, price, dateTime: 8 each.
      bytes = 32.0 + static_cast<double>(e.extra.size());
      if (hot.count(e.channel)) {
        ++hot_bids;
        urls_of_hot[e.channel].insert(e.url);
        ASSERT_EQ(e.url.find("channel_id="), std::string::npos);
      } else {
        ASSERT_EQ(e.channel.rfind("channel-", 0), 0u) << e.channel;
        std::string c = e.channel.substr(8);
        ASSERT_LT(std::stoll(c), 10000);
        ASSERT_NE(e.url.find("&channel_id=" + c), std::string::npos) << e.url;
      }
      ASSERT_EQ(e.url.rfind("https://www.nexmark.com/", 0), 0u) << e.url;
    }
    size[e.type] += bytes;
    ++count[e.type];
  }
  const double want[3] = {200, 500, 100};
  for (int t = 0; t < 3; ++t) {
    double avg = size[t] / static_cast<double>(count[t]);
    EXPECT_GT(avg, want[t] * 0.95) << "type " << t;
    EXPECT_LT(avg, want[t] * 1.05) << "type " << t;
  }
  // Half the bids on a hot channel, each with one fixed URL.
  double share = static_cast<double>(hot_bids) / static_cast<double>(count[2]);
  EXPECT_GT(share, 0.48);
  EXPECT_LT(share, 0.52);
  EXPECT_EQ(urls_of_hot.size(), 4u);
  for (const auto& [c, urls] : urls_of_hot) EXPECT_EQ(urls.size(), 1u) << c;
}

TEST(NexmarkSourceTest, FilterOnEventTypeGeneratesThatTypeOnly) {
  auto src = MakeSource({{"numEvents", "10000"}, {"numPartitions", "2"}});
  auto batch = src->GetBatch(std::nullopt, "10000");
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  // Columns {event_type, bid}; event_type = 2 (INT literal).
  ExprPtr type = MakeColumnRef(0, DataType::Int(), "event_type", false);
  auto eq = BindScalarFunction("=", {type, MakeLiteral(Value::Int(2))});
  ASSERT_TRUE(eq.ok()) << eq.status().ToString();
  auto scan = batch->table->CreateScan({0, 3}, *eq);
  ASSERT_TRUE(scan.ok()) << scan.status().ToString();
  EXPECT_NE((*scan)->details().find("event_type=2"), std::string::npos) << (*scan)->details();
  ExecContext ctx;
  auto all = CollectAll(**scan, &ctx);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  size_t rows = 0;
  for (const Batch& b : *all) {
    for (size_t i = 0; i < b.num_rows; ++i) {
      ASSERT_EQ(b.columns[0].data<int32_t>()[i], 2);
      ASSERT_FALSE(b.columns[1].IsNull(i));
    }
    rows += b.num_rows;
  }
  EXPECT_EQ(rows, 10000u / 50 * 46);
}

TEST(NexmarkSourceTest, OffsetsFollowNumEventsRateAndAvailableNow) {
  MemEnv env;
  ManualClock clock{int64_t{1700000000000} * 1000};
  SourceContext ctx;
  ctx.env = &env;
  ctx.clock = &clock;
  ctx.metadata_dir = "/ckpt/sources/0";
  // Live, 1000 events per second, 2500 in all.
  auto live = MakeSource({{"numEvents", "2500"}, {"eventsPerSecond", "1000"}});
  ASSERT_TRUE(live->Open(ctx).ok());
  auto none = live->LatestOffset(std::nullopt, ReadLimit::All());
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  clock.AdvanceMillis(1500);
  auto first = live->LatestOffset(std::nullopt, ReadLimit::All());
  ASSERT_TRUE(first.ok() && first->has_value());
  EXPECT_EQ(**first, "1500");
  clock.AdvanceMillis(5000);
  auto last = live->LatestOffset(std::string("1500"), ReadLimit::All());
  ASSERT_TRUE(last.ok() && last->has_value());
  EXPECT_EQ(**last, "2500");
  // Available now: everything at once, whatever the rate.
  MemEnv env2;
  ctx.env = &env2;
  auto now = MakeSource({{"numEvents", "2500"}, {"eventsPerSecond", "1"}, {"maxEventsPerBatch", "1000"}});
  ASSERT_TRUE(now->Open(ctx).ok());
  ASSERT_TRUE(now->PrepareForAvailableNow().ok());
  auto b1 = now->LatestOffset(std::nullopt, now->DefaultReadLimit());
  ASSERT_TRUE(b1.ok() && b1->has_value());
  EXPECT_EQ(**b1, "1000");
  auto b3 = now->LatestOffset(std::string("2000"), now->DefaultReadLimit());
  ASSERT_TRUE(b3.ok() && b3->has_value());
  EXPECT_EQ(**b3, "2500");
  auto done = now->LatestOffset(std::string("2500"), now->DefaultReadLimit());
  ASSERT_TRUE(done.ok() && done->has_value());
  EXPECT_EQ(**done, "2500");
  // Unbounded and unlimited: maxEventsPerBatch per batch.
  auto unbounded = MakeSource({{"maxEventsPerBatch", "300"}});
  MemEnv env3;
  ctx.env = &env3;
  ASSERT_TRUE(unbounded->Open(ctx).ok());
  auto u = unbounded->LatestOffset(std::string("600"), unbounded->DefaultReadLimit());
  ASSERT_TRUE(u.ok() && u->has_value());
  EXPECT_EQ(**u, "900");
}

}  // namespace
}  // namespace sluice
