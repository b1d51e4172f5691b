int trivial(int x) { return x + 1; }
