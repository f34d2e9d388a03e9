// Progress on a terminal: what it draws, and that it stays silent when off.
#include "sim/util/Progress.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace {

std::string drawn(std::FILE* f) {
    std::fflush(f);
    std::rewind(f);
    std::string text;
    for (int c; (c = std::fgetc(f)) != EOF;) text += static_cast<char>(c);
    return text;
}

TEST(Progress, DrawsShareCountsAndEtaInPlace) {
    std::FILE* f = std::tmpfile();
    ASSERT_NE(f, nullptr);
    sim::Progress p(4, "ticks", true, f);
    p.set_label("run 1/2  ");
    p.update(1);  // the first update always draws
    p.update(4);  // completion always draws, however soon
    p.finish();
    const std::string text = drawn(f);
    EXPECT_NE(text.find("run 1/2   25%  1/4 ticks"), std::string::npos) << text;
    EXPECT_NE(text.find("100%  4/4 ticks"), std::string::npos) << text;
    EXPECT_NE(text.find("ETA done"), std::string::npos) << text;
    EXPECT_EQ(text.front(), '\r');                        // redrawn in place
    EXPECT_EQ(text.substr(text.size() - 4), "\r\033[K");  // and cleared at the end
    std::fclose(f);
}

TEST(Progress, DisabledWritesNothing) {
    std::FILE* f = std::tmpfile();
    ASSERT_NE(f, nullptr);
    sim::Progress p(4, "ticks", false, f);
    p.update(2);
    p.finish();
    EXPECT_TRUE(drawn(f).empty());
    std::fclose(f);
}

TEST(Progress, DurationsReadAsAClock) {
    EXPECT_EQ(sim::format_duration(12.4), "12s");
    EXPECT_EQ(sim::format_duration(245), "4:05");
    EXPECT_EQ(sim::format_duration(3723), "1:02:03");
}

}  // namespace
