import XCTest
@testable import FolioNN

final class SummaryTableTests: XCTestCase {
    static let simpleCNNRows: [SummaryRow] = [
        ("Conv2d-1", [32, 28, 28], 320, 320),
        ("ReLU-2", [32, 28, 28], 0, 0),
        ("MaxPool2d-3", [32, 14, 14], 0, 0),
        ("Conv2d-4", [32, 14, 14], 9_248, 9_248),
        ("ReLU-5", [32, 14, 14], 0, 0),
        ("MaxPool2d-6", [32, 7, 7], 0, 0),
        ("Flatten-7", [1568], 0, 0),
        ("Linear-8", [500], 784_500, 784_500),
        ("ReLU-9", [500], 0, 0),
        ("Linear-10", [10], 5_010, 5_010),
    ]

    func testSimpleCNNMatchesTorchsummary() {
        let table = summaryTable(rows: Self.simpleCNNRows, inputShape: [1, 28, 28])
        XCTAssertEqual(table, Self.simpleCNN)
        XCTAssertTrue(table.contains("Total params: 799,078\n"))
        XCTAssertEqual(ParameterCount(rows: Self.simpleCNNRows), ParameterCount(total: 799_078, trainable: 799_078))
    }

    func testBatchNormBuffersAreListedApartFromTheParameters() {
        let rows: [SummaryRow] = [
            ("Conv2d-1", [32, 28, 28], 320, 320),
            ("BatchNorm2d-2", [32, 28, 28], 64, 64),
            ("ReLU-3", [32, 28, 28], 0, 0),
            ("MaxPool2d-4", [32, 14, 14], 0, 0),
            ("Conv2d-5", [32, 14, 14], 9_248, 9_248),
            ("BatchNorm2d-6", [32, 14, 14], 64, 64),
            ("ReLU-7", [32, 14, 14], 0, 0),
            ("MaxPool2d-8", [32, 7, 7], 0, 0),
            ("Flatten-9", [1568], 0, 0),
            ("Linear-10", [500], 784_500, 784_500),
            ("BatchNorm1d-11", [500], 1_000, 1_000),
            ("ReLU-12", [500], 0, 0),
            ("Linear-13", [10], 5_010, 5_010),
        ]
        var buffers: [(name: String, count: Int)] = []
        for (layer, width) in [("conv_block.1", 32), ("conv_block.5", 32), ("fc_block.2", 500)] {
            buffers += [("\(layer).running_mean", width), ("\(layer).running_var", width), ("\(layer).num_batches_tracked", 1)]
        }
        let note = """
            Buffers (not parameters): 1,131 values in 9 tensors
              conv_block.1.running_mean: 32
              conv_block.1.running_var: 32
              conv_block.1.num_batches_tracked: 1
              conv_block.5.running_mean: 32
              conv_block.5.running_var: 32
              conv_block.5.num_batches_tracked: 1
              fc_block.2.running_mean: 500
              fc_block.2.running_var: 500
              fc_block.2.num_batches_tracked: 1
            ----------------------------------------------------------------

            """
        XCTAssertEqual(summaryTable(rows: rows, inputShape: [1, 28, 28], buffers: buffers), Self.simpleCNNWithBatchNorm + note)
    }

    func testMLPMatchesTorchsummary() {
        let rows: [SummaryRow] = [("Linear-1", [128], 100_480, 100_480), ("ReLU-2", [128], 0, 0), ("Linear-3", [10], 1_290, 1_290)]
        XCTAssertEqual(summaryTable(rows: rows, inputShape: [784]), Self.mlp)
    }

    func testShapesMayAlreadyCarryTheBatchDimension() {
        let rows: [SummaryRow] = [("Linear-1", [-1, 128], 100_480, 100_480), ("ReLU-2", [-1, 128], 0, 0), ("Linear-3", [-1, 10], 1_290, 1_290)]
        XCTAssertEqual(summaryTable(rows: rows, inputShape: [784]), Self.mlp)
        let batched = Self.simpleCNNRows.map { ($0.layer, [-1] + $0.outputShape, $0.parameters, $0.trainable) }
        XCTAssertEqual(summaryTable(rows: batched, inputShape: [1, 28, 28]), Self.simpleCNN)
    }

    /// Checked by hand: input 3·224·224·4 B = 0.574 MB; outputs (3,211,264 + 1,000)·2·4 B
    /// = 24.508 MB; parameters 4,098,792·4 B = 15.636 MB; total 40.717 MB. The frozen
    /// linear layer's 4,097,000 parameters are the non-trainable ones.
    func testTwoLayersWithAFrozenLayer() {
        let rows: [SummaryRow] = [("Conv2d-1", [64, 224, 224], 1_792, 1_792), ("Linear-2", [1000], 4_097_000, 0)]
        XCTAssertEqual(summaryTable(rows: rows, inputShape: [3, 224, 224]), """
            ----------------------------------------------------------------
                    Layer (type)               Output Shape         Param #
            ================================================================
                        Conv2d-1         [-1, 64, 224, 224]           1,792
                        Linear-2                 [-1, 1000]       4,097,000
            ================================================================
            Total params: 4,098,792
            Trainable params: 1,792
            Non-trainable params: 4,097,000
            ----------------------------------------------------------------
            Input size (MB): 0.57
            Forward/backward pass size (MB): 24.51
            Params size (MB): 15.64
            Estimated Total Size (MB): 40.72
            ----------------------------------------------------------------

            """)
    }

    func testGroupedThousands() {
        XCTAssertEqual([0, 7, 999, 1_000, 31_870, 799_078, 1_234_567, -1_234].map(groupedThousands),
                       ["0", "7", "999", "1,000", "31,870", "799,078", "1,234,567", "-1,234"])
    }

    // Printed by torchsummary 1.5.1 (PyTorch, CPU) for the assignment's SimpleCNN with and
    // without batch norm and the problem set's MLP: summary(model, (1, 28, 28)) / (784,).
    static let simpleCNN = """
        ----------------------------------------------------------------
                Layer (type)               Output Shape         Param #
        ================================================================
                    Conv2d-1           [-1, 32, 28, 28]             320
                      ReLU-2           [-1, 32, 28, 28]               0
                 MaxPool2d-3           [-1, 32, 14, 14]               0
                    Conv2d-4           [-1, 32, 14, 14]           9,248
                      ReLU-5           [-1, 32, 14, 14]               0
                 MaxPool2d-6             [-1, 32, 7, 7]               0
                   Flatten-7                 [-1, 1568]               0
                    Linear-8                  [-1, 500]         784,500
                      ReLU-9                  [-1, 500]               0
                   Linear-10                   [-1, 10]           5,010
        ================================================================
        Total params: 799,078
        Trainable params: 799,078
        Non-trainable params: 0
        ----------------------------------------------------------------
        Input size (MB): 0.00
        Forward/backward pass size (MB): 0.56
        Params size (MB): 3.05
        Estimated Total Size (MB): 3.61
        ----------------------------------------------------------------

        """

    static let simpleCNNWithBatchNorm = """
        ----------------------------------------------------------------
                Layer (type)               Output Shape         Param #
        ================================================================
                    Conv2d-1           [-1, 32, 28, 28]             320
               BatchNorm2d-2           [-1, 32, 28, 28]              64
                      ReLU-3           [-1, 32, 28, 28]               0
                 MaxPool2d-4           [-1, 32, 14, 14]               0
                    Conv2d-5           [-1, 32, 14, 14]           9,248
               BatchNorm2d-6           [-1, 32, 14, 14]              64
                      ReLU-7           [-1, 32, 14, 14]               0
                 MaxPool2d-8             [-1, 32, 7, 7]               0
                   Flatten-9                 [-1, 1568]               0
                   Linear-10                  [-1, 500]         784,500
              BatchNorm1d-11                  [-1, 500]           1,000
                     ReLU-12                  [-1, 500]               0
                   Linear-13                   [-1, 10]           5,010
        ================================================================
        Total params: 800,206
        Trainable params: 800,206
        Non-trainable params: 0
        ----------------------------------------------------------------
        Input size (MB): 0.00
        Forward/backward pass size (MB): 0.80
        Params size (MB): 3.05
        Estimated Total Size (MB): 3.86
        ----------------------------------------------------------------

        """

    static let mlp = """
        ----------------------------------------------------------------
                Layer (type)               Output Shape         Param #
        ================================================================
                    Linear-1                  [-1, 128]         100,480
                      ReLU-2                  [-1, 128]               0
                    Linear-3                   [-1, 10]           1,290
        ================================================================
        Total params: 101,770
        Trainable params: 101,770
        Non-trainable params: 0
        ----------------------------------------------------------------
        Input size (MB): 0.00
        Forward/backward pass size (MB): 0.00
        Params size (MB): 0.39
        Estimated Total Size (MB): 0.39
        ----------------------------------------------------------------

        """
}
