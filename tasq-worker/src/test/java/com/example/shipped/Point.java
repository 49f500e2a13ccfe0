package com.example.shipped;

import java.io.Serializable;

/** An application value type that only the client has. */
public record Point(int x, int y) implements Serializable {

    public Point plus(Point other) {
        return new Point(x + other.x, y + other.y);
    }
}
