package app.kindred;

public final class Kindred {
    public static void main(String[] args) {
        System.out.println("kindred");
    }
}
