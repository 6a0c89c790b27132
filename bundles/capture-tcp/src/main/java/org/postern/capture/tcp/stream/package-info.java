/**
 * A TCP listener that stays available under abuse: one thread, non-blocking sockets, a bounded number of
 * connections (globally and per source address) where a newcomer evicts the oldest, a deadline per connection
 * and a size limit. Used by capture-tcp and, embedded with bnd's {@code -conditionalpackage}, by capture-http;
 * exported by neither bundle.
 */
package org.postern.capture.tcp.stream;
