package net.coopwan.daemon.libc;

import java.io.IOException;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

/**
 * One libc binding ({@code T}, an interface of the calls a package needs), or why it could not be
 * made: jffi's native stub missing (a musl system, say) or no libc. The failure is kept, not
 * thrown at class load, so each caller reports it when it first needs the kernel.
 *
 * @param lib     the binding, null when it failed
 * @param runtime its runtime (for errno), null when it failed
 * @param failure why it failed, null when it did not
 */
public record NativeLibrary<T>(T lib, Runtime runtime, Throwable failure) {

    /** Binds {@code api} to libc; never throws. Call it from a holder class, so it runs at first use. */
    public static <T> NativeLibrary<T> load(Class<T> api) {
        try {
            T lib = LibraryLoader.create(api).load("c");
            return new NativeLibrary<>(lib, Runtime.getRuntime(lib), null);
        } catch (Throwable t) {
            return new NativeLibrary<>(null, null, t);
        }
    }

    /** The binding, or an IOException saying {@code what} cannot call libc and why. */
    public T require(String what) throws IOException {
        if (lib == null) {
            throw new IOException(what + ": cannot call libc through jnr-ffi: " + failure, failure);
        }
        return lib;
    }

    /** The errno of the last call made through the binding on this thread. */
    public int errno() {
        return runtime.getLastError();
    }
}
