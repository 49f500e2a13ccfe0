/**
 * Types that must be public for the runtime to see them but are not part of the API: they may
 * change in any release. Applications should not use them.
 */
package io.tasq.internal;
