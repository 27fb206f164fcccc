import Foundation
import XCTest
@testable import FolioNN

final class ClassificationReportTests: XCTestCase {
    func testThreeClassesOneNeverPredicted() {
        let cm = ConfusionMatrix(predictions: [0, 1, 0, 1, 1, 0, 1, 0, 1, 1],
                                 labels: [0, 0, 0, 1, 1, 2, 2, 2, 2, 1], classCount: 3)
        XCTAssertEqual(classificationReport(cm, classNames: ["cat", "dog", "bird"]), Self.threeClasses)
    }

    func testFourDigitsAndAClassThatNeverOccurs() {
        let cm = ConfusionMatrix(predictions: [0, 1, 0, 1, 1, 0, 1, 0, 1, 1],
                                 labels: [0, 0, 0, 1, 1, 2, 2, 2, 2, 1], classCount: 4)
        XCTAssertEqual(classificationReport(cm, classNames: ["cat", "dog", "bird", "fish"], digits: 4),
                       Self.fourClassesFourDigits)
    }

    func testFashionClassNames() {
        var labels: [Int] = [], predictions: [Int] = []
        for i in 0..<200 {
            let label = (i * 7) % 10
            var predicted = (i * 37) % 11 > 2 ? label : (label * 3 + i) % 10
            if predicted == 7 && label != 7 { predicted = 9 }
            if label == 7 && i % 3 == 0 { predicted = 5 }
            labels.append(label)
            predictions.append(predicted)
        }
        let names = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
        let cm = ConfusionMatrix(predictions: predictions, labels: labels, classCount: 10)
        XCTAssertEqual(classificationReport(cm, classNames: names), Self.fashion)
    }

    func testSupportsPrintAsFloatsWhenNothingIsRight() {
        // scikit-learn prints "1.0" here: with no true positive its counts become floats.
        let cm = ConfusionMatrix(predictions: [1, 0], labels: [0, 1], classCount: 2)
        XCTAssertEqual(classificationReport(cm, classNames: ["a", "b"]), Self.nothingRight)
    }

    func testColumnWidthFollowsTheLongestName() {
        let cm = ConfusionMatrix(predictions: [0, 1, 0, 0, 1], labels: [0, 1, 1, 0, 1], classCount: 2)
        XCTAssertEqual(classificationReport(cm, classNames: ["zero", "a rather long class name"], digits: 3), Self.longName)
    }

    /// Hundreds of random cases against scikit-learn itself, including small supports
    /// whose scores land exactly on rounding ties (1/8 = 0.125). Skipped without Python.
    func testAgreesWithScikitLearnOnRandomCases() throws {
        var state: UInt64 = 2024
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        var cases: [[String: Any]] = []
        for _ in 0..<200 {
            let k = 2 + next(11), n = 1 + next(next(2) == 0 ? 16 : 400), skill = next(100)
            let labels = (0..<n).map { _ in next(k) }
            let predictions = labels.map { next(100) < skill ? $0 : next(k) }
            let names = (0..<k).map { next(6) == 0 ? "class number \($0) with a long name" : "c\($0)" }
            cases.append(["t": labels, "p": predictions, "names": names, "digits": 1 + next(5)])
        }
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("folio-report-cases-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: cases).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let script = """
            import json, sys, warnings
            warnings.filterwarnings("ignore")
            from sklearn.metrics import classification_report
            for c in json.load(open(sys.argv[1])):
                k = len(c["names"])
                sys.stdout.write(classification_report(c["t"], c["p"], labels=list(range(k)),
                    target_names=c["names"], digits=c["digits"]) + "@@@\\n")
            """
        let expected = try SafetensorsTests.runPython(script, arguments: [input.path], modules: "sklearn")
            .components(separatedBy: "@@@\n")
        XCTAssertEqual(expected.count, cases.count + 1)
        for (i, c) in cases.enumerated() where i < expected.count {
            let names = c["names"] as! [String]
            let cm = ConfusionMatrix(predictions: c["p"] as! [Int], labels: c["t"] as! [Int], classCount: names.count)
            XCTAssertEqual(classificationReport(cm, classNames: names, digits: c["digits"] as! Int), expected[i], "case \(i)")
        }
    }

    // The expected reports were printed by scikit-learn 1.9.1:
    //     classification_report(y_true, y_pred, labels=list(range(k)), target_names=names, digits=d)
    // for the inputs of the tests above.
    static let threeClasses = """
                      precision    recall  f1-score   support

                 cat       0.50      0.67      0.57         3
                 dog       0.50      1.00      0.67         3
                bird       0.00      0.00      0.00         4

            accuracy                           0.50        10
           macro avg       0.33      0.56      0.41        10
        weighted avg       0.30      0.50      0.37        10

        """

    static let fourClassesFourDigits = """
                      precision    recall  f1-score   support

                 cat     0.5000    0.6667    0.5714         3
                 dog     0.5000    1.0000    0.6667         3
                bird     0.0000    0.0000    0.0000         4
                fish     0.0000    0.0000    0.0000         0

            accuracy                         0.5000        10
           macro avg     0.2500    0.4167    0.3095        10
        weighted avg     0.3000    0.5000    0.3714        10

        """

    static let fashion = """
                      precision    recall  f1-score   support

         T-shirt/top       0.80      1.00      0.89        20
             Trouser       1.00      0.70      0.82        20
            Pullover       0.83      1.00      0.91        20
               Dress       1.00      0.75      0.86        20
                Coat       0.77      1.00      0.87        20
              Sandal       0.71      0.75      0.73        20
               Shirt       0.77      1.00      0.87        20
             Sneaker       1.00      0.50      0.67        20
                 Bag       0.80      1.00      0.89        20
          Ankle boot       1.00      0.70      0.82        20

            accuracy                           0.84       200
           macro avg       0.87      0.84      0.83       200
        weighted avg       0.87      0.84      0.83       200

        """

    static let longName = """
                                  precision    recall  f1-score   support

                            zero      0.667     1.000     0.800         2
        a rather long class name      1.000     0.667     0.800         3

                        accuracy                          0.800         5
                       macro avg      0.833     0.833     0.800         5
                    weighted avg      0.867     0.800     0.800         5

        """

    static let nothingRight = """
                      precision    recall  f1-score   support

                   a       0.00      0.00      0.00       1.0
                   b       0.00      0.00      0.00       1.0

            accuracy                           0.00       2.0
           macro avg       0.00      0.00      0.00       2.0
        weighted avg       0.00      0.00      0.00       2.0

        """
}
