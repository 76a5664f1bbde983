// The part of expo-constants the example uses (the real package ships these types).
declare const Constants: {
  expoConfig: { extra?: { [key: string]: unknown } | null } | null;
};
export default Constants;
