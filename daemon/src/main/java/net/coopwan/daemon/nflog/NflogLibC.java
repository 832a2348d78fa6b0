package net.coopwan.daemon.nflog;

import jnr.ffi.annotations.IgnoreError;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;
import jnr.ffi.types.u_int64_t;

/** The few libc calls a netlink socket needs, bound by jnr-ffi (Java has no AF_NETLINK). */
public interface NflogLibC {

    @SaveError
    int socket(int domain, int type, int protocol);

    /** {@code bind(fd, struct sockaddr_nl *, 12)}. */
    @SaveError
    int bind(int fd, @In byte[] addr, int addrlen);

    @SaveError
    @ssize_t
    long send(int fd, @In byte[] buf, @size_t long len, int flags);

    @SaveError
    @ssize_t
    long recv(int fd, @Out byte[] buf, @size_t long len, int flags);

    /** {@code poll(struct pollfd *fds, nfds, timeout)}: 8 bytes per fd (int fd, short events, short revents). */
    @SaveError
    int poll(@In @Out byte[] fds, @u_int64_t long nfds, int timeoutMillis);

    @IgnoreError
    int close(int fd);

    String strerror(int errnum);
}
