package com.example.shipped;

/** Application code reached through a method reference. */
public final class Greetings {

    private Greetings() {
    }

    public static String greet(String name) {
        return "Hello, " + name + "!";
    }
}
