// What jffi's version.xml writes at build time (jffi 1.2.8).
package com.kenai.jffi;
import java.lang.annotation.Native;
public final class Version {
    private Version() {}
    @Native public static final int MAJOR = 1;
    @Native public static final int MINOR = 2;
    @Native public static final int MICRO = 8;
}
