// Writes a recorded-looking text/event-stream of ~1 KiB status events:
//     id: N\nevent: status\ndata: {...~1 KiB of JSON...}\n\n
// Usage: gen_sse_stream OUTPUT_FILE [MIB=64]
// The output is deterministic, so both benchmarks and every run see the same bytes.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s OUTPUT_FILE [MIB=64]\n", argv[0]);
        return 2;
    }
    const long mib = argc > 2 ? std::strtol(argv[2], nullptr, 10) : 64;
    const std::uint64_t target = std::uint64_t(mib > 0 ? mib : 64) * 1024 * 1024;
    std::FILE *out = std::fopen(argv[1], "wb");
    if (!out) {
        std::perror(argv[1]);
        return 1;
    }

    static const char alphabet[]
        = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    std::uint32_t rng = 0x9E3779B9u;
    std::uint64_t written = 0;
    std::string event;
    std::string text;
    for (std::uint64_t id = 1; written < target; ++id) {
        // Aim every event (all four lines) at 1024 bytes; the varying text stands in for the
        // log lines a real job streams.
        event = "id: " + std::to_string(id) + "\nevent: status\ndata: {\"job_id\":\"job-"
            + std::to_string(100000 + id % 900000) + "\",\"seq\":" + std::to_string(id)
            + ",\"status\":\"processing\",\"progress\":" + std::to_string(id % 100)
            + ",\"created_at\":\"2025-10-21T10:30:05Z\",\"output\":null,\"message\":\"";
        const std::size_t closing = std::string("\"}\n\n").size();
        text.clear();
        while (event.size() + text.size() + closing < 1024) {
            rng = rng * 1664525u + 1013904223u;
            text.push_back(alphabet[(rng >> 24) % (sizeof(alphabet) - 1)]);
        }
        event += text;
        event += "\"}\n\n";
        if (std::fwrite(event.data(), 1, event.size(), out) != event.size()) {
            std::perror("write");
            return 1;
        }
        written += event.size();
    }
    if (std::fclose(out) != 0) {
        std::perror("close");
        return 1;
    }
    std::printf("%s: %llu bytes\n", argv[1], static_cast<unsigned long long>(written));
    return 0;
}
