// The main of the fuzz targets in the ordinary build (no libFuzzer): feeds every file of the
// given files or directories, or of the seed and regression directories compiled in, to
// LLVMFuzzerTestOneInput once. A crash, a sanitizer report or an abort fails the test; an empty
// corpus fails too, so a missing seed directory cannot pass silently.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

namespace {

namespace fs = std::filesystem;

std::vector<fs::path> inputsOf(const fs::path &root)
{
    std::vector<fs::path> files;
    if (fs::is_regular_file(root)) {
        files.push_back(root);
    } else if (fs::is_directory(root)) {
        for (const auto &entry : fs::recursive_directory_iterator(root)) {
            if (entry.is_regular_file())
                files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

} // namespace

int main(int argc, char **argv)
{
    std::vector<std::string> roots(argv + 1, argv + argc);
#if defined(KERNELLENS_FUZZ_CORPUS) && defined(KERNELLENS_FUZZ_REGRESSIONS)
    if (roots.empty())
        roots = {KERNELLENS_FUZZ_CORPUS, KERNELLENS_FUZZ_REGRESSIONS};
#endif
    size_t replayed = 0;
    for (const std::string &root : roots) {
        for (const fs::path &file : inputsOf(root)) {
            std::ifstream in(file, std::ios::binary);
            const std::vector<char> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
            LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size());
            ++replayed;
        }
    }
    std::printf("replayed %zu inputs\n", replayed);
    if (replayed == 0) {
        std::fprintf(stderr, "no inputs found\n");
        return 1;
    }
    return 0;
}
