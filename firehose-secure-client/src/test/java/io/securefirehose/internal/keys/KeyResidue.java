package io.securefirehose.internal.keys;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Finds what an object graph still holds of a key: the key's bytes in any byte array, and any array the JDK's
 * AES-GCM derives from the key (its expanded key schedule, its copies). Reads JDK internals by reflection, which the
 * test JVM opens with {@code --add-opens} (see the module's surefire configuration); a field that cannot be opened
 * fails the search instead of being skipped silently, so the check cannot pass by seeing less.
 */
public final class KeyResidue {

    private static final int MAX_OBJECTS = 20_000;

    private KeyResidue() {}

    /**
     * @param root where to start
     * @param key the key to look for
     * @return a description of each array that holds the key or is derived from it; empty if none
     */
    public static List<String> of(Object root, byte[] key) {
        Set<String> derived = derivedContents(key);
        List<String> found = new ArrayList<>();
        for (Object array : primitiveArrays(root)) {
            String content = content(array);
            if (derived.contains(content) || (array instanceof byte[] bytes && contains(bytes, key))) {
                found.add(array.getClass().getSimpleName() + "[" + Array.getLength(array) + "]");
            }
        }
        return found;
    }

    /** Arrays a cipher initialised with the key holds that one initialised with another key does not. */
    private static Set<String> derivedContents(byte[] key) {
        try {
            byte[] nonce = new byte[12];
            Cipher withKey = Cipher.getInstance("AES/GCM/NoPadding");
            withKey.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            byte[] other = key.clone();
            other[0] ^= 0x5a;
            Cipher withOther = Cipher.getInstance("AES/GCM/NoPadding");
            withOther.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(other, "AES"), new GCMParameterSpec(128, nonce));
            Set<String> derived = new HashSet<>();
            primitiveArrays(withKey).forEach(a -> derived.add(content(a)));
            primitiveArrays(withOther).forEach(a -> derived.remove(content(a)));
            if (derived.isEmpty()) {
                throw new AssertionError("found nothing the JDK derives from a key: the search sees too little");
            }
            return derived;
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    private static List<Object> primitiveArrays(Object root) {
        List<Object> arrays = new ArrayList<>();
        IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>();
        List<Object> queue = new ArrayList<>(List.of(root));
        for (int i = 0; i < queue.size() && i < MAX_OBJECTS; i++) {
            Object object = queue.get(i);
            if (object == null || seen.put(object, Boolean.TRUE) != null || skipped(object)) {
                continue;
            }
            if (object instanceof java.util.Collection<?> elements) {
                queue.addAll(elements); // the JDK's collections, through their public view
                continue;
            }
            Class<?> type = object.getClass();
            if (type.isArray()) {
                if (type.getComponentType().isPrimitive()) {
                    arrays.add(object);
                } else {
                    queue.addAll(Arrays.asList((Object[]) object));
                }
                continue;
            }
            for (Class<?> k = type; k != null; k = k.getSuperclass()) {
                for (Field field : k.getDeclaredFields()) {
                    if (Modifier.isStatic(field.getModifiers())
                            || field.getType().isPrimitive()) {
                        continue;
                    }
                    if (!field.trySetAccessible()) {
                        throw new AssertionError("cannot read " + field + ": open its package to the tests");
                    }
                    try {
                        queue.add(field.get(object));
                    } catch (IllegalAccessException e) {
                        throw new AssertionError(e);
                    }
                }
            }
        }
        return arrays;
    }

    /** Shared infrastructure that holds no key: providers, random generators, class metadata, strings. */
    private static boolean skipped(Object object) {
        return object instanceof Class<?>
                || object instanceof ClassLoader
                || object instanceof Thread
                || object instanceof String
                || object instanceof java.security.Provider
                || object instanceof java.security.Permission
                || object instanceof java.security.SecureRandom
                || object instanceof java.security.Provider.Service
                || object instanceof java.util.concurrent.atomic.AtomicLong
                || object instanceof java.util.concurrent.atomic.AtomicInteger
                || object instanceof java.util.concurrent.atomic.AtomicBoolean;
    }

    private static String content(Object array) {
        if (array instanceof byte[] b) {
            return "B" + Arrays.toString(b);
        }
        if (array instanceof int[] i) {
            return "I" + Arrays.toString(i);
        }
        if (array instanceof long[] l) {
            return "L" + Arrays.toString(l);
        }
        return array.getClass() + "@" + System.identityHashCode(array);
    }

    /**
     * @param haystack bytes to search
     * @param needle the sequence to find
     * @return whether {@code needle} occurs in {@code haystack}
     */
    public static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
