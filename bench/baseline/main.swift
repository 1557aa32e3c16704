// The baseline for startup benchmarks: a trivial Swift executable, built with the same flags.
print("hello")
