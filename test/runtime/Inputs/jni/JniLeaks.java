// The Java side of trace-jni.c: native methods that keep a global reference
// (called three times from one site), pin an array and forget it on one
// path, and give back everything else they take.
public class JniLeaks {
  static native void keep(Object o);
  static native void keepAndDrop(Object o);
  static native int sum(int[] a, boolean early);
  static native int length(String s);
  static native long criticalSum(int[] a);
  static native void locked(Object o);

  public static void main(String[] args) {
    System.loadLibrary("jnileaks");
    for (int i = 0; i < 3; ++i)
      keep("kept " + i);
    keepAndDrop(new Object());
    int[] a = {1, 2, 3};
    int total = sum(a, false) + sum(a, true) + length("four") +
                (int)criticalSum(a);
    locked(new Object());
    if (args.length > 0 && args[0].equals("signal"))
      snapshot();
    System.out.println("total " + total);
  }

  // A long-running service's report: SIGUSR1 to this process, then wait (up
  // to 10 s) until the tracer has written the snapshot.
  static void snapshot() {
    try {
      long pid = ProcessHandle.current().pid();
      new ProcessBuilder("kill", "-USR1", Long.toString(pid)).start().waitFor();
      java.io.File done = new java.io.File(System.getenv("CUSTODY_TRACE_DIR"),
                                           "signal-" + pid + "-1.raw");
      for (int i = 0; i < 1000 && !done.exists(); ++i)
        Thread.sleep(10);
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }
}
